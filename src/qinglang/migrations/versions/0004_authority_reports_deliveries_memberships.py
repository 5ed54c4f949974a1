"""authority reports, deliveries, memberships

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-28 22:37:54.187063
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qinglang.db

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authority_memberships",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("department_id", sa.String(length=40), nullable=False),
        sa.Column("added_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("added_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_authority_memberships_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["added_by"], ["accounts.id"], name=op.f("fk_authority_memberships_added_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_memberships")),
        sa.UniqueConstraint(
            "account_id",
            "department_id",
            name=op.f("uq_authority_memberships_account_id_department_id"),
        ),
    )
    with op.batch_alter_table("authority_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_authority_memberships_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "authority_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("rule_id", sa.String(length=40), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence_ref", sa.String(length=200), nullable=True),
        sa.Column("department_id", sa.String(length=40), nullable=False),
        sa.Column("department_kind", sa.String(length=32), nullable=False),
        sa.Column("district", sa.String(length=6), nullable=True),
        sa.Column(
            "content_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "routing",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("filed_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_changed_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivery_state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_authority_reports_content_id_content_items"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by"], ["accounts.id"], name=op.f("fk_authority_reports_filed_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_reports")),
        sa.UniqueConstraint(
            "content_id",
            "category",
            "department_id",
            name=op.f("uq_authority_reports_content_id_category_department_id"),
        ),
    )
    with op.batch_alter_table("authority_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_authority_reports_department", ["department_id", "id"], unique=False
        )
        batch_op.create_index("ix_authority_reports_filed_at", ["filed_at"], unique=False)

    op.create_table(
        "authority_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("department_id", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["authority_reports.id"],
            name=op.f("fk_authority_deliveries_report_id_authority_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_deliveries")),
        sa.UniqueConstraint("report_id", name=op.f("uq_authority_deliveries_report_id")),
    )
    with op.batch_alter_table("authority_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_authority_deliveries_due", ["state", "next_attempt_at"], unique=False
        )

    op.create_table(
        "authority_report_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["accounts.id"], name=op.f("fk_authority_report_events_actor_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["authority_reports.id"],
            name=op.f("fk_authority_report_events_report_id_authority_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_report_events")),
    )
    with op.batch_alter_table("authority_report_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_authority_report_events_report", ["report_id", "id"], unique=False
        )

    op.create_table(
        "authority_delivery_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "delivery_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["authority_deliveries.id"],
            name=op.f("fk_authority_delivery_attempts_delivery_id_authority_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_delivery_attempts")),
    )
    with op.batch_alter_table("authority_delivery_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_authority_delivery_attempts_delivery", ["delivery_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("authority_delivery_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_authority_delivery_attempts_delivery")

    op.drop_table("authority_delivery_attempts")
    with op.batch_alter_table("authority_report_events", schema=None) as batch_op:
        batch_op.drop_index("ix_authority_report_events_report")

    op.drop_table("authority_report_events")
    with op.batch_alter_table("authority_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_authority_deliveries_due")

    op.drop_table("authority_deliveries")
    with op.batch_alter_table("authority_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_authority_reports_filed_at")
        batch_op.drop_index("ix_authority_reports_department")

    op.drop_table("authority_reports")
    with op.batch_alter_table("authority_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_authority_memberships_account_id"))

    op.drop_table("authority_memberships")
