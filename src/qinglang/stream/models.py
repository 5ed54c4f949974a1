from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow


class OutboxMessage(Base):
    """A message written in the emitting transaction and handed to the transport after commit.

    ``key`` is the idempotency key: unique here, the ``Nats-Msg-Id`` on JetStream and the key
    consumers record as processed.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "failed_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSONDoc)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Retries wait until then; a row that keeps failing is set aside (failed_at), not retried
    # forever.
    available_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ProcessedMessage(Base):
    """One row per (consumer, message key), written in the handler's own transaction."""

    __tablename__ = "processed_messages"

    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContentReach(Base):
    """How far an item has spread, counted by the ``reach`` consumer from engagement events."""

    __tablename__ = "content_reach"

    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
    reposts: Mapped[int] = mapped_column(default=0)
    shares: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EngagementType(enum.StrEnum):
    VIEW = "view"
    REPOST = "repost"
    SHARE = "share"


class Surface(enum.StrEnum):
    """Where the user met the item: lets inspection tell organic spread from our own promotion."""

    FEED = "feed"
    HOT = "hot"
    SEARCH = "search"
    AUTHOR_PAGE = "author_page"
    DIRECT = "direct"
