"""feed exposures interests interventions

Revision ID: 0012
Revises: 0001
Create Date: 2026-11-28 23:04:03.309706
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import qinglang.db

revision = "0012"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_interest_tags",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("updated_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_feed_interest_tags_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "tag", name=op.f("pk_feed_interest_tags")),
    )
    op.create_table(
        "feed_preferences",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("personalised", sa.Boolean(), nullable=False),
        sa.Column("updated_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_feed_preferences_account_id_accounts")),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_feed_preferences")),
    )
    op.create_table(
        "feed_exposures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("surface", sa.String(length=16), nullable=False),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_feed_exposures_account_id_accounts")),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_feed_exposures_content_id_content_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_exposures")),
    )
    with op.batch_alter_table("feed_exposures", schema=None) as batch_op:
        batch_op.create_index("ix_feed_exposures_account_content", ["account_id", "content_id"], unique=False)
        batch_op.create_index("ix_feed_exposures_content_at", ["content_id", "at"], unique=False)

    op.create_table(
        "feed_interventions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("surface", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_feed_interventions_content_id_content_items")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_feed_interventions_created_by_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["accounts.id"], name=op.f("fk_feed_interventions_revoked_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_interventions")),
    )
    with op.batch_alter_table("feed_interventions", schema=None) as batch_op:
        batch_op.create_index("ix_feed_interventions_active", ["revoked_at", "expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_feed_interventions_content_id"), ["content_id"], unique=False)

    op.create_table(
        "feed_not_interested",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_feed_not_interested_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_feed_not_interested_content_id_content_items")
        ),
        sa.PrimaryKeyConstraint("account_id", "content_id", name=op.f("pk_feed_not_interested")),
    )


def downgrade() -> None:
    op.drop_table("feed_not_interested")
    with op.batch_alter_table("feed_interventions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_interventions_content_id"))
        batch_op.drop_index("ix_feed_interventions_active")

    op.drop_table("feed_interventions")
    with op.batch_alter_table("feed_exposures", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_exposures_content_at")
        batch_op.drop_index("ix_feed_exposures_account_content")

    op.drop_table("feed_exposures")
    op.drop_table("feed_preferences")
    op.drop_table("feed_interest_tags")
