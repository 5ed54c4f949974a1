"""evidence chain, head and checkpoints

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 22:38:07.287187

Besides the tables, triggers make the database itself refuse what the application never does:
UPDATE of evidence, DELETE of evidence younger than 183 days (the legal minimum; purges use the
longer setting), TRUNCATE, and inserts that do not extend the chain head. A later migration that
rebuilds evidence_records in SQLite batch mode must recreate these triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qinglang.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64

SQLITE_TRIGGERS = (
    """CREATE TRIGGER evidence_records_no_update BEFORE UPDATE ON evidence_records
    BEGIN SELECT RAISE(ABORT, 'evidence is append-only: UPDATE refused'); END""",
    # created_at is stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC), which compares as text.
    """CREATE TRIGGER evidence_records_retention BEFORE DELETE ON evidence_records
    WHEN OLD.created_at > datetime('now', '-183 days')
    BEGIN SELECT RAISE(ABORT, 'evidence is kept at least 183 days: DELETE refused'); END""",
    """CREATE TRIGGER evidence_records_link BEFORE INSERT ON evidence_records
    WHEN NOT EXISTS (SELECT 1 FROM evidence_chain_head
                     WHERE id = 1 AND seq = NEW.seq - 1 AND hash = NEW.prev_hash)
    BEGIN SELECT RAISE(ABORT, 'evidence record does not extend the chain head'); END""",
    """CREATE TRIGGER evidence_records_advance AFTER INSERT ON evidence_records
    BEGIN UPDATE evidence_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END""",
    """CREATE TRIGGER evidence_chain_head_forward BEFORE UPDATE ON evidence_chain_head
    WHEN NEW.seq != OLD.seq + 1 OR NEW.id != OLD.id
    BEGIN SELECT RAISE(ABORT, 'the evidence chain head only moves forward'); END""",
    """CREATE TRIGGER evidence_chain_head_no_delete BEFORE DELETE ON evidence_chain_head
    BEGIN SELECT RAISE(ABORT, 'the evidence chain head cannot be deleted'); END""",
    """CREATE TRIGGER evidence_checkpoints_no_update BEFORE UPDATE ON evidence_checkpoints
    BEGIN SELECT RAISE(ABORT, 'evidence checkpoints are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER evidence_checkpoints_no_delete BEFORE DELETE ON evidence_checkpoints
    BEGIN SELECT RAISE(ABORT, 'evidence checkpoints are append-only: DELETE refused'); END""",
)

# restrict_violation (23001) so that both engines surface refusals as integrity errors.
POSTGRES_FUNCTIONS = (
    """CREATE FUNCTION evidence_records_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'evidence is append-only: UPDATE of #% refused', OLD.seq
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.created_at > now() - interval '183 days' THEN
            RAISE EXCEPTION 'evidence is kept at least 183 days: DELETE of #% refused', OLD.seq
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END $$""",
    """CREATE FUNCTION evidence_records_link() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE evidence_chain_head SET seq = NEW.seq, hash = NEW.hash
            WHERE id = 1 AND seq = NEW.seq - 1 AND hash = NEW.prev_hash;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'evidence record #% does not extend the chain head', NEW.seq
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE FUNCTION evidence_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.seq = OLD.seq + 1 AND NEW.id = OLD.id THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the evidence chain head only moves forward'
            USING ERRCODE = 'restrict_violation';
    END $$""",
    """CREATE FUNCTION evidence_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'evidence is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END $$""",
)
POSTGRES_TRIGGERS = (
    """CREATE TRIGGER evidence_records_guard BEFORE UPDATE OR DELETE ON evidence_records
    FOR EACH ROW EXECUTE FUNCTION evidence_records_guard()""",
    """CREATE TRIGGER evidence_records_link BEFORE INSERT ON evidence_records
    FOR EACH ROW EXECUTE FUNCTION evidence_records_link()""",
    # Row triggers do not see TRUNCATE.
    """CREATE TRIGGER evidence_records_no_truncate BEFORE TRUNCATE ON evidence_records
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_refuse()""",
    """CREATE TRIGGER evidence_chain_head_guard BEFORE UPDATE OR DELETE ON evidence_chain_head
    FOR EACH ROW EXECUTE FUNCTION evidence_chain_head_guard()""",
    """CREATE TRIGGER evidence_chain_head_no_truncate BEFORE TRUNCATE ON evidence_chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_refuse()""",
    """CREATE TRIGGER evidence_checkpoints_guard BEFORE UPDATE OR DELETE ON evidence_checkpoints
    FOR EACH ROW EXECUTE FUNCTION evidence_refuse()""",
    """CREATE TRIGGER evidence_checkpoints_no_truncate BEFORE TRUNCATE ON evidence_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_refuse()""",
)


def upgrade() -> None:
    op.create_table(
        "evidence_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_evidence_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_chain_head")),
    )
    op.create_table(
        "evidence_checkpoints",
        sa.Column(
            "purged_through_seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "purged_count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("cutoff", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("purged_through_seq", name=op.f("pk_evidence_checkpoints")),
    )
    op.create_table(
        "evidence_records",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", qinglang.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_evidence_records")),
    )
    with op.batch_alter_table("evidence_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evidence_records_subject", ["subject_type", "subject_id", "seq"], unique=False
        )
        batch_op.create_index("ix_evidence_records_tag", ["tag", "seq"], unique=False)

    op.execute(
        sa.text(
            "INSERT INTO evidence_chain_head (id, seq, hash) VALUES (1, 0, :genesis)"
        ).bindparams(genesis=GENESIS_HASH)
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*POSTGRES_FUNCTIONS, *POSTGRES_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    # Dropping a table drops its triggers on both engines and fires no DELETE triggers.
    with op.batch_alter_table("evidence_records", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_records_tag")
        batch_op.drop_index("ix_evidence_records_subject")

    op.drop_table("evidence_records")
    op.drop_table("evidence_checkpoints")
    op.drop_table("evidence_chain_head")
    if op.get_bind().dialect.name == "postgresql":
        for name in (
            "evidence_records_guard",
            "evidence_records_link",
            "evidence_chain_head_guard",
            "evidence_refuse",
        ):
            op.execute(f"DROP FUNCTION {name}()")
