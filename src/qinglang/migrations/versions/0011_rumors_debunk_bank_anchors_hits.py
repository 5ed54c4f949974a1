"""rumors debunk bank anchors hits

Revision ID: 0011
Revises: 0001
Create Date: 2026-11-28 23:03:55.715533
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qinglang.db

revision = "0011"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("external_id", sa.String(length=400), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("debunk", sa.Text(), nullable=False),
        sa.Column(
            "sources", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("publisher", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "tags", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("claim_date", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("anchor_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["accounts.id"], name=op.f("fk_claims_created_by_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("external_id", name=op.f("uq_claims_external_id")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_status_id", ["status", "id"], unique=False)

    op.create_table(
        "claim_anchors",
        sa.Column("anchor", sa.BigInteger(), nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_claim_anchors_claim_id_claims")),
        sa.PrimaryKeyConstraint("anchor", "claim_id", name=op.f("pk_claim_anchors")),
    )
    op.create_table(
        "claim_hits",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("similarity", sa.Double(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("disposed_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("corrections_sent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_claim_hits_claim_id_claims")),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_claim_hits_content_id_content_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_hits")),
        sa.UniqueConstraint("claim_id", "content_id", name=op.f("uq_claim_hits_claim_id_content_id")),
    )
    with op.batch_alter_table("claim_hits", schema=None) as batch_op:
        batch_op.create_index("ix_claim_hits_content_id", ["content_id"], unique=False)

    op.create_table(
        "content_anchors",
        sa.Column("anchor", sa.BigInteger(), nullable=False),
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_content_anchors_content_id_content_items")
        ),
        sa.PrimaryKeyConstraint("anchor", "content_id", name=op.f("pk_content_anchors")),
    )


def downgrade() -> None:
    op.drop_table("content_anchors")
    with op.batch_alter_table("claim_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_hits_content_id")

    op.drop_table("claim_hits")
    op.drop_table("claim_anchors")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_status_id")

    op.drop_table("claims")
