from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow


class TicketStatus(enum.StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    UNDER_REVIEW = "under_review"
    DISPOSED = "disposed"
    RESULT_SENT = "result_sent"


OPEN_STATUSES = (TicketStatus.RECEIVED, TicketStatus.ACCEPTED, TicketStatus.UNDER_REVIEW)


class ComplaintTicket(Base):
    """One report by one user on one item or account (R13.1), with its life timestamped (R13.4,
    R13.5). ``target_key`` (``content:12``, ``account:5``) makes a second report by the same user
    on the same target a refused duplicate, even when two arrive at once."""

    __tablename__ = "complaint_tickets"
    __table_args__ = (
        UniqueConstraint("reporter_id", "target_key"),
        Index("ix_complaint_tickets_case_id", "case_id"),
        Index("ix_complaint_tickets_reporter_id", "reporter_id", "id"),
        Index("ix_complaint_tickets_status_due", "status", "dispose_due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    target_key: Mapped[str] = mapped_column(String(40))
    content_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    category: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    evidence_links: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    # The reporter's weight when they reported, from the accuracy of their earlier reports.
    weight: Mapped[float]
    # A reporter whose past reports were mostly upheld is reviewed first.
    priority: Mapped[bool] = mapped_column(default=False)
    severe: Mapped[bool] = mapped_column(default=False)
    status: Mapped[TicketStatus] = mapped_column(String(16), default=TicketStatus.RECEIVED)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))  # upheld | not_upheld
    outcome_action: Mapped[str | None] = mapped_column(String(16))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    under_review_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    disposed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    result_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accept_due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    dispose_due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the original decision stands
    OVERTURNED = "overturned"


class Appeal(Base):
    """An author's appeal of one decision on their content or account, once per decision.

    ``subject_key`` (``decision:12`` for a content decision, ``account_event:7`` for an account
    one) is unique, so a second appeal of the same decision is refused even under a race."""

    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_appellant_id", "appellant_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    subject_key: Mapped[str] = mapped_column(String(40), unique=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    account_event_id: Mapped[int | None] = mapped_column(ForeignKey("account_events.id"))
    content_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"))
    # Who may not decide it: the people behind the decision appealed.
    excluded_reviewers: Mapped[list[int]] = mapped_column(JSONDoc, default=list)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[AppealStatus] = mapped_column(String(16), default=AppealStatus.OPEN)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
