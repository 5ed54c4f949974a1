"""complaints tickets and appeals

Revision ID: 0009
Revises: 0001
Create Date: 2026-11-28 23:05:30.661338
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qinglang.db

revision = "0009"
down_revision = "0001"
branch_labels = None
# The tickets and appeals refer to review cases and decisions (0005).
depends_on = ("0005",)


def upgrade() -> None:
    op.create_table(
        "appeals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("appellant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("decision_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("account_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "excluded_reviewers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_event_id"], ["account_events.id"], name=op.f("fk_appeals_account_event_id_account_events")
        ),
        sa.ForeignKeyConstraint(["appellant_id"], ["accounts.id"], name=op.f("fk_appeals_appellant_id_accounts")),
        sa.ForeignKeyConstraint(["case_id"], ["review_cases.id"], name=op.f("fk_appeals_case_id_review_cases")),
        sa.ForeignKeyConstraint(["content_id"], ["content_items.id"], name=op.f("fk_appeals_content_id_content_items")),
        sa.ForeignKeyConstraint(["decided_by"], ["accounts.id"], name=op.f("fk_appeals_decided_by_accounts")),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name=op.f("fk_appeals_decision_id_decisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        sa.UniqueConstraint("subject_key", name=op.f("uq_appeals_subject_key")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index("ix_appeals_appellant_id", ["appellant_id", "id"], unique=False)

    op.create_table(
        "complaint_tickets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reporter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("target_key", sa.String(length=40), nullable=False),
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "evidence_links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("severe", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_action", sa.String(length=16), nullable=True),
        sa.Column("decision_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("received_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("under_review_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disposed_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("result_sent_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accept_due_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispose_due_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_complaint_tickets_account_id_accounts")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["review_cases.id"], name=op.f("fk_complaint_tickets_case_id_review_cases")
        ),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_complaint_tickets_content_id_content_items")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_complaint_tickets_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["accounts.id"], name=op.f("fk_complaint_tickets_reporter_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_tickets")),
        sa.UniqueConstraint("reporter_id", "target_key", name=op.f("uq_complaint_tickets_reporter_id_target_key")),
    )
    with op.batch_alter_table("complaint_tickets", schema=None) as batch_op:
        batch_op.create_index("ix_complaint_tickets_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_complaint_tickets_reporter_id", ["reporter_id", "id"], unique=False)
        batch_op.create_index("ix_complaint_tickets_status_due", ["status", "dispose_due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_tickets_status_due")
        batch_op.drop_index("ix_complaint_tickets_reporter_id")
        batch_op.drop_index("ix_complaint_tickets_case_id")

    op.drop_table("complaint_tickets")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_appeals_appellant_id")

    op.drop_table("appeals")
