"""stream: outbox, processed messages, reach

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28 22:37:28.388463
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qinglang.db

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("available_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failed_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_messages_key")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_messages_pending", ["sent_at", "failed_at", "id"], unique=False
        )

    op.create_table(
        "processed_messages",
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("processed_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "key", name=op.f("pk_processed_messages")),
    )
    op.create_table(
        "content_reach",
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("updated_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_content_reach_content_id_content_items"),
        ),
        sa.PrimaryKeyConstraint("content_id", name=op.f("pk_content_reach")),
    )


def downgrade() -> None:
    op.drop_table("content_reach")
    op.drop_table("processed_messages")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_pending")

    op.drop_table("outbox_messages")
