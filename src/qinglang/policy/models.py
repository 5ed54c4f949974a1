from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow


class PolicyVersion(Base):
    """A published policy text. The newest version of a policy name is the one in force."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str | None] = mapped_column(Text)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(Base):
    """One verdict on one item with the facts it was taken on: the decision record.

    Keeping the facts (signals, context) makes every decision replayable: a backtest evaluates
    a draft policy over stored facts without re-running the detectors.
    """

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_content", "content_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    stage: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    action: Mapped[str] = mapped_column(String(16))
    policy_version: Mapped[str] = mapped_column(String(80))
    facts: Mapped[dict] = mapped_column(JSONDoc)
    verdict: Mapped[dict] = mapped_column(JSONDoc)
    model_versions: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
