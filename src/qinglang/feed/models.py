"""Exposures, what users told us about their feed, and staff interventions (R12.1-R12.3)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, UTCDateTime, utcnow


class FeedSurface(enum.StrEnum):
    """Where items are recommended; the author's page and direct links are not recommendation."""

    FEED = "feed"
    HOT = "hot"
    SEARCH = "search"


class InterventionAction(enum.StrEnum):
    PIN = "pin"  # first on the surface
    BOOST = "boost"  # ranked as if it scored more
    SUPPRESS = "suppress"  # never on the surface


class Exposure(Base):
    """One impression: who was shown which item on which surface, and when (R9.7 corrections)."""

    __tablename__ = "feed_exposures"
    __table_args__ = (
        Index("ix_feed_exposures_content_at", "content_id", "at"),
        Index("ix_feed_exposures_account_content", "account_id", "content_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    surface: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InterestTag(Base):
    """A user's interest in a tag, learned from what they view, repost and share (R12.3: visible
    to them and deletable)."""

    __tablename__ = "feed_interest_tags"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)
    weight: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedPreference(Base):
    __tablename__ = "feed_preferences"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    personalised: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotInterested(Base):
    __tablename__ = "feed_not_interested"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Intervention(Base):
    """A staff pin, boost or suppression of an item on a surface, with a reason and an expiry
    (R12.2). Revoking keeps the row; every change is also in the evidence log."""

    __tablename__ = "feed_interventions"
    __table_args__ = (Index("ix_feed_interventions_active", "revoked_at", "expires_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    surface: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))
    weight: Mapped[float] = mapped_column(default=1.0)
    reason: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
