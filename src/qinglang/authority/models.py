from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow

# Report numbers carry the year in China Standard Time, which has had no daylight saving since
# 1991: a fixed offset keeps a number the same whatever time zone the deployment configures.
_CST = dt.timezone(dt.timedelta(hours=8))


class ReportStatus(enum.StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    CLOSED = "closed"


class DeliveryState(enum.StrEnum):
    INBOX_ONLY = "inbox_only"  # the department has no webhook: it reads the inbox
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the configured number of attempts


def report_number(report_id: int, filed_at: dt.datetime) -> str:
    return f"QL-{filed_at.astimezone(_CST).year}-{report_id:06d}"


class AuthorityReport(Base):
    """One report of prohibited information to one competent department (R14.4, R4.1)."""

    __tablename__ = "authority_reports"
    __table_args__ = (
        UniqueConstraint("content_id", "category", "department_id"),
        Index("ix_authority_reports_department", "department_id", "id"),
        Index("ix_authority_reports_filed_at", "filed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    rule_id: Mapped[str] = mapped_column(String(40))
    rule_version: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)
    evidence_ref: Mapped[str | None] = mapped_column(String(200))
    department_id: Mapped[str] = mapped_column(String(40))
    department_kind: Mapped[str] = mapped_column(String(32))
    district: Mapped[str | None] = mapped_column(String(6))
    # What the item was when reported: later removal must not take it from the authority's view.
    content_snapshot: Mapped[dict] = mapped_column(JSONDoc)
    routing: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    content_created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    status: Mapped[ReportStatus] = mapped_column(String(16), default=ReportStatus.RECEIVED)
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivery_state: Mapped[DeliveryState] = mapped_column(String(16))

    @property
    def number(self) -> str:
        return report_number(self.id, self.filed_at)


class AuthorityReportEvent(Base):
    """Append-only: filing and every status change, when and by whom."""

    __tablename__ = "authority_report_events"
    __table_args__ = (Index("ix_authority_report_events_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("authority_reports.id"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthorityDelivery(Base):
    """The outbox entry that pushes one report to its department's webhook after commit."""

    __tablename__ = "authority_deliveries"
    __table_args__ = (Index("ix_authority_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("authority_reports.id"), unique=True)
    department_id: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(500))
    state: Mapped[DeliveryState] = mapped_column(String(16), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthorityDeliveryAttempt(Base):
    __tablename__ = "authority_delivery_attempts"
    __table_args__ = (Index("ix_authority_delivery_attempts_delivery", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("authority_deliveries.id"))
    number: Mapped[int]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int]
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthorityMembership(Base):
    """An authority account acts for a department; it sees only its departments' reports."""

    __tablename__ = "authority_memberships"
    __table_args__ = (UniqueConstraint("account_id", "department_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    department_id: Mapped[str] = mapped_column(String(40))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
