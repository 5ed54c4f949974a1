"""The evidence tables. Triggers installed by migration 0002 refuse UPDATE and early DELETE of
records and link every insert to the chain head; see docs/evidence.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime

# The database enforces the legal minimum whatever the setting says; purges use the setting,
# which can only be longer (settings refuse less than 183 days).
DATABASE_RETENTION_DAYS = 183


class EvidenceRecord(Base):
    __tablename__ = "evidence_records"
    __table_args__ = (
        Index("ix_evidence_records_subject", "subject_type", "subject_id", "seq"),
        Index("ix_evidence_records_tag", "tag", "seq"),
    )

    # Assigned by record() from the chain head, never by the database: gapless by construction.
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    tag: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    # No foreign key: evidence must outlive (and never block) changes to the accounts table.
    actor_id: Mapped[int | None] = mapped_column(BigId)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class EvidenceChainHead(Base):
    """One row: the last record's number and hash. Appends lock it, so the chain cannot fork;
    the insert trigger moves it, so it also catches a truncated tail."""

    __tablename__ = "evidence_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[str] = mapped_column(String(64))


class EvidenceCheckpoint(Base):
    """Where the chain now starts after a purge: the last purged record's number and hash."""

    __tablename__ = "evidence_checkpoints"

    purged_through_seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    last_hash: Mapped[str] = mapped_column(String(64))
    purged_count: Mapped[int] = mapped_column(BigId)
    cutoff: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    retention_days: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
