"""lexicon terms and versions

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-28 22:44:22.870290
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import qinglang.db

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lexicon_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("summary", sa.String(length=400), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["accounts.id"], name=op.f("fk_lexicon_versions_created_by_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lexicon_versions")),
    )
    op.create_table(
        "lexicon_terms",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("variants", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("added_in", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("removed_in", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_in"], ["lexicon_versions.id"], name=op.f("fk_lexicon_terms_added_in_lexicon_versions")
        ),
        sa.ForeignKeyConstraint(
            ["removed_in"], ["lexicon_versions.id"], name=op.f("fk_lexicon_terms_removed_in_lexicon_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lexicon_terms")),
    )
    with op.batch_alter_table("lexicon_terms", schema=None) as batch_op:
        batch_op.create_index("ix_lexicon_terms_active", ["removed_in", "category"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lexicon_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_lexicon_terms_active")

    op.drop_table("lexicon_terms")
    op.drop_table("lexicon_versions")
