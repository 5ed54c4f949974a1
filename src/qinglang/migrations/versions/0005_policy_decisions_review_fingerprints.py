"""policy, decisions, review, fingerprints

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-28 22:40:58.355142
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qinglang.db

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column(
            "published_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("published_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by"], ["accounts.id"], name=op.f("fk_policy_versions_published_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_policy_versions_name_version")),
    )
    op.create_table(
        "reviewer_qualifications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column(
            "granted_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("granted_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_reviewer_qualifications_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["granted_by"],
            ["accounts.id"],
            name=op.f("fk_reviewer_qualifications_granted_by_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewer_qualifications")),
        sa.UniqueConstraint(
            "account_id", "category", name=op.f("uq_reviewer_qualifications_account_id_category")
        ),
    )
    with op.batch_alter_table("reviewer_qualifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviewer_qualifications_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "content_fingerprints",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("band0", sa.BigInteger(), nullable=False),
        sa.Column("band1", sa.BigInteger(), nullable=False),
        sa.Column("band2", sa.BigInteger(), nullable=False),
        sa.Column("band3", sa.BigInteger(), nullable=False),
        sa.Column("band4", sa.BigInteger(), nullable=False),
        sa.Column("band5", sa.BigInteger(), nullable=False),
        sa.Column("band6", sa.BigInteger(), nullable=False),
        sa.Column("band7", sa.BigInteger(), nullable=False),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_content_fingerprints_content_id_content_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_fingerprints")),
    )
    with op.batch_alter_table("content_fingerprints", schema=None) as batch_op:
        batch_op.create_index("ix_content_fingerprints_band0", ["band0"], unique=False)
        batch_op.create_index("ix_content_fingerprints_band1", ["band1"], unique=False)
        batch_op.create_index("ix_content_fingerprints_band2", ["band2"], unique=False)
        batch_op.create_index("ix_content_fingerprints_band3", ["band3"], unique=False)
        batch_op.create_index("ix_content_fingerprints_band4", ["band4"], unique=False)
        batch_op.create_index("ix_content_fingerprints_band5", ["band5"], unique=False)
        batch_op.create_index("ix_content_fingerprints_band6", ["band6"], unique=False)
        batch_op.create_index("ix_content_fingerprints_band7", ["band7"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_content_fingerprints_content_id"), ["content_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("policy_version", sa.String(length=80), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "verdict",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "model_versions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["accounts.id"], name=op.f("fk_decisions_actor_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["content_id"], ["content_items.id"], name=op.f("fk_decisions_content_id_content_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_content", ["content_id", "id"], unique=False)

    op.create_table(
        "review_cases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column(
            "categories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("blocking", sa.Boolean(), nullable=False),
        sa.Column("required_reviews", sa.Integer(), nullable=False),
        sa.Column("suggested_action", sa.String(length=16), nullable=True),
        sa.Column(
            "policy_reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "claimed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("claimed_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claim_expires_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["claimed_by"], ["accounts.id"], name=op.f("fk_review_cases_claimed_by_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_review_cases_content_id_content_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cases")),
    )
    with op.batch_alter_table("review_cases", schema=None) as batch_op:
        batch_op.create_index("ix_review_cases_content", ["content_id"], unique=False)
        batch_op.create_index("ix_review_cases_status_due", ["status", "due_at"], unique=False)

    op.create_table(
        "review_decisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "reviewer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column(
            "labels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("rule_id", sa.String(length=40), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("claimed_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["review_cases.id"], name=op.f("fk_review_decisions_case_id_review_cases")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["accounts.id"], name=op.f("fk_review_decisions_reviewer_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
    )
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.create_index("ix_review_decisions_case", ["case_id"], unique=False)
        batch_op.create_index(
            "ix_review_decisions_reviewer_at", ["reviewer_id", "at"], unique=False
        )

    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "recommendation", sa.String(length=16), server_default="neutral", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.drop_column("recommendation")

    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_review_decisions_reviewer_at")
        batch_op.drop_index("ix_review_decisions_case")

    op.drop_table("review_decisions")
    with op.batch_alter_table("review_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_review_cases_status_due")
        batch_op.drop_index("ix_review_cases_content")

    op.drop_table("review_cases")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_content")

    op.drop_table("decisions")
    with op.batch_alter_table("content_fingerprints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_fingerprints_content_id"))
        batch_op.drop_index("ix_content_fingerprints_band7")
        batch_op.drop_index("ix_content_fingerprints_band6")
        batch_op.drop_index("ix_content_fingerprints_band5")
        batch_op.drop_index("ix_content_fingerprints_band4")
        batch_op.drop_index("ix_content_fingerprints_band3")
        batch_op.drop_index("ix_content_fingerprints_band2")
        batch_op.drop_index("ix_content_fingerprints_band1")
        batch_op.drop_index("ix_content_fingerprints_band0")

    op.drop_table("content_fingerprints")
    with op.batch_alter_table("reviewer_qualifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewer_qualifications_account_id"))

    op.drop_table("reviewer_qualifications")
    op.drop_table("policy_versions")
