"""re-review jobs and inspections

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-28 22:53:54.435266
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import qinglang.db

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rereview_jobs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("trigger", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["accounts.id"], name=op.f("fk_rereview_jobs_created_by_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rereview_jobs")),
    )
    op.create_table(
        "inspections",
        sa.Column("content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("milestone", sa.Integer(), nullable=False),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_inspections_content_id_content_items")
        ),
        sa.PrimaryKeyConstraint("content_id", name=op.f("pk_inspections")),
    )


def downgrade() -> None:
    op.drop_table("inspections")
    op.drop_table("rereview_jobs")
