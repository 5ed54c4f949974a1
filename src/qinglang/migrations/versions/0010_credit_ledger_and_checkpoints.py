"""credit ledger and checkpoints

Revision ID: 0010
Revises: 0001
Create Date: 2026-11-28 23:14:52.052044
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import qinglang.db

revision = "0010"
down_revision = "0001"
branch_labels = None
# Credit events refer to the decisions behind them (0005).
depends_on = ("0005",)


def upgrade() -> None:
    op.create_table(
        "credit_checkpoints",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("recovered", sa.Integer(), nullable=False),
        sa.Column("week_violated", sa.Boolean(), nullable=False),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_credit_checkpoints_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_credit_checkpoints")),
    )
    op.create_table(
        "credit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.String(length=40), nullable=True),
        sa.Column("rule_version", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("reverses_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_credit_events_account_id_accounts")),
        sa.ForeignKeyConstraint(["actor_id"], ["accounts.id"], name=op.f("fk_credit_events_actor_id_accounts")),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_credit_events_content_id_content_items")
        ),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name=op.f("fk_credit_events_decision_id_decisions")),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["credit_events.id"], name=op.f("fk_credit_events_reverses_id_credit_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_events")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_credit_events_dedupe_key")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_credit_events_reverses_id")),
    )
    with op.batch_alter_table("credit_events", schema=None) as batch_op:
        batch_op.create_index("ix_credit_events_account_id", ["account_id", "id"], unique=False)
        batch_op.create_index("ix_credit_events_content_id", ["content_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("credit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_events_content_id")
        batch_op.drop_index("ix_credit_events_account_id")

    op.drop_table("credit_events")
    op.drop_table("credit_checkpoints")
