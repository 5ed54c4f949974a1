"""platform core: identity, rules, content

Revision ID: 0001
Revises:
Create Date: 2026-11-28 22:29:30.366101
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qinglang.db

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "real_identities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("id_number_hmac", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column("name_masked", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("verifier", sa.String(length=64), nullable=False),
        sa.Column("banned_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("banned_reason", sa.Text(), nullable=True),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_real_identities")),
        sa.UniqueConstraint("id_number_hmac", name=op.f("uq_real_identities_id_number_hmac")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("handle", sa.String(length=32), nullable=False),
        sa.Column("handle_key", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("mobile_hmac", sa.String(length=64), nullable=False),
        sa.Column("mobile_masked", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_until", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("muted_until", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "restrictions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "identity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("verified_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["real_identities.id"],
            name=op.f("fk_accounts_identity_id_real_identities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("handle_key", name=op.f("uq_accounts_handle_key")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_identity_id"), ["identity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_accounts_mobile_hmac"), ["mobile_hmac"], unique=False)

    op.create_table(
        "account_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rule_id", sa.String(length=40), nullable=True),
        sa.Column("rule_version", sa.Integer(), nullable=True),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_events_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["accounts.id"], name=op.f("fk_account_events_actor_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_events")),
    )
    with op.batch_alter_table("account_events", schema=None) as batch_op:
        batch_op.create_index("ix_account_events_account_at", ["account_id", "at"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_api_tokens_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_api_tokens_token_digest")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_account_id"), ["account_id"], unique=False)

    op.create_table(
        "content_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("title", sa.String(length=400), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("root_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "recipient_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("video_id", sa.String(length=64), nullable=True),
        sa.Column("offset_ms", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "labels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", qinglang.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["accounts.id"], name=op.f("fk_content_items_author_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["content_items.id"],
            name=op.f("fk_content_items_parent_id_content_items"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["accounts.id"], name=op.f("fk_content_items_recipient_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["root_id"], ["content_items.id"], name=op.f("fk_content_items_root_id_content_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_items")),
    )
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_items_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            "ix_content_items_conversation", ["author_id", "recipient_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_content_items_kind_state_id", ["kind", "state", "id"], unique=False
        )
        batch_op.create_index("ix_content_items_root_id", ["root_id", "id"], unique=False)
        batch_op.create_index("ix_content_items_video", ["video_id", "offset_ms"], unique=False)

    op.create_table(
        "rule_documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_md", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column(
            "published_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("published_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by"], ["accounts.id"], name=op.f("fk_rule_documents_published_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_documents")),
        sa.UniqueConstraint("slug", "version", name=op.f("uq_rule_documents_slug_version")),
    )
    op.create_table(
        "agreement_acceptances",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("accepted_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_agreement_acceptances_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["rule_documents.id"],
            name=op.f("fk_agreement_acceptances_document_id_rule_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_acceptances")),
        sa.UniqueConstraint(
            "account_id",
            "document_id",
            name=op.f("uq_agreement_acceptances_account_id_document_id"),
        ),
    )
    with op.batch_alter_table("agreement_acceptances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_acceptances_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "content_state_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rule_id", sa.String(length=40), nullable=True),
        sa.Column("rule_version", sa.Integer(), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["accounts.id"], name=op.f("fk_content_state_changes_actor_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_content_state_changes_content_id_content_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_state_changes")),
    )
    with op.batch_alter_table("content_state_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_content_state_changes_content", ["content_id", "id"], unique=False
        )

    op.create_table(
        "rules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("rule_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "requirements",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "categories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["rule_documents.id"], name=op.f("fk_rules_document_id_rule_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        sa.UniqueConstraint("document_id", "rule_id", name=op.f("uq_rules_document_id_rule_id")),
    )
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.create_index("ix_rules_rule_id", ["rule_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.drop_index("ix_rules_rule_id")

    op.drop_table("rules")
    with op.batch_alter_table("content_state_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_content_state_changes_content")

    op.drop_table("content_state_changes")
    with op.batch_alter_table("agreement_acceptances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_acceptances_account_id"))

    op.drop_table("agreement_acceptances")
    op.drop_table("rule_documents")
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.drop_index("ix_content_items_video")
        batch_op.drop_index("ix_content_items_root_id")
        batch_op.drop_index("ix_content_items_kind_state_id")
        batch_op.drop_index("ix_content_items_conversation")
        batch_op.drop_index(batch_op.f("ix_content_items_author_id"))

    op.drop_table("content_items")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_account_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("account_events", schema=None) as batch_op:
        batch_op.drop_index("ix_account_events_account_at")

    op.drop_table("account_events")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_mobile_hmac"))
        batch_op.drop_index(batch_op.f("ix_accounts_identity_id"))

    op.drop_table("accounts")
    op.drop_table("real_identities")
