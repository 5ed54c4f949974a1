from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, UTCDateTime, utcnow


class CreditEvent(Base):
    """One immutable change of an account's credit (R10.3). The score is their sum plus the
    recovery computed from the account's publishing weeks; no balance is stored anywhere.

    Kinds: ``deduction`` (a takedown, linked to its decision and citing its rule), ``reversal``
    (an overturned or reversed decision gives the points back), ``report_bonus`` (an upheld
    report), ``malicious_reports`` (R15.2), ``adjustment`` (staff, with a reason).
    """

    __tablename__ = "credit_events"
    __table_args__ = (
        Index("ix_credit_events_account_id", "account_id", "id"),
        Index("ix_credit_events_content_id", "content_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(32))
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    rule_id: Mapped[str | None] = mapped_column(String(40))
    rule_version: Mapped[int | None]
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    content_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    category: Mapped[str | None] = mapped_column(String(64))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("credit_events.id"), unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    # Makes an event idempotent (one bonus per ticket, one penalty per window).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditCheckpoint(Base):
    """A folded prefix of the ledger: the score counting every event up to ``last_event_id``
    and the recovery of every week before ``week``. Rebuilt from the events at any time; it only
    saves re-adding them. Refreshed under the account's lock whenever an event is appended."""

    __tablename__ = "credit_checkpoints"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    week: Mapped[int]
    last_event_id: Mapped[int] = mapped_column(default=0)
    score: Mapped[int]
    recovered: Mapped[int] = mapped_column(default=0)
    week_violated: Mapped[bool] = mapped_column(default=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
