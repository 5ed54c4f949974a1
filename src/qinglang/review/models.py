from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    ESCALATED = "escalated"  # dual reviewers disagreed: an admin decides
    DECIDED = "decided"


SEVERITY_RANK = {"low": 0, "normal": 1, "high": 2, "severe": 3}


class ReviewCase(Base):
    __tablename__ = "review_cases"
    __table_args__ = (
        Index("ix_review_cases_status_due", "status", "due_at"),
        Index("ix_review_cases_content", "content_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    status: Mapped[CaseStatus] = mapped_column(String(16), default=CaseStatus.OPEN)
    stage: Mapped[str] = mapped_column(String(32))
    categories: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    severity: Mapped[str] = mapped_column(String(16), default="normal")
    severity_rank: Mapped[int] = mapped_column(default=1)
    reach: Mapped[int] = mapped_column(default=0)
    # Raised when a reporter with a record of upheld reports is behind the case (R13.4): within
    # a severity, their cases are reviewed first.
    priority: Mapped[int] = mapped_column(default=0, server_default="0")
    # Whether the item stays hidden until decided (a hold) or stays up meanwhile.
    blocking: Mapped[bool] = mapped_column(default=True)
    required_reviews: Mapped[int] = mapped_column(default=1)
    suggested_action: Mapped[str | None] = mapped_column(String(16))
    policy_reasons: Mapped[list[dict]] = mapped_column(JSONDoc, default=list)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claim_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))


class ReviewDecision(Base):
    __tablename__ = "review_decisions"
    __table_args__ = (
        Index("ix_review_decisions_case", "case_id"),
        Index("ix_review_decisions_reviewer_at", "reviewer_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    action: Mapped[str] = mapped_column(String(16))
    labels: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    rule_id: Mapped[str] = mapped_column(String(40))
    rule_version: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewerQualification(Base):
    """A reviewer may decide cases of a category only when qualified for it (R11.2)."""

    __tablename__ = "reviewer_qualifications"
    __table_args__ = (UniqueConstraint("account_id", "category"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    category: Mapped[str] = mapped_column(String(64))
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RereviewJob(Base):
    """A post-review backfill (R9.5): published content judged again after the policy, a model,
    the lexicon or the rumour bank changed. Resumable: ``cursor`` is the last item done."""

    __tablename__ = "rereview_jobs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    trigger: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, running, done
    cursor: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Inspection(Base):
    """The highest reach milestone at which real-time inspection last judged an item (R9.6)."""

    __tablename__ = "inspections"

    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), primary_key=True)
    milestone: Mapped[int] = mapped_column(default=0)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
