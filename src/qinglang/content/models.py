from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow


class ContentKind(enum.StrEnum):
    POST = "post"
    REPLY = "reply"
    MESSAGE = "message"
    DANMAKU = "danmaku"


class ContentState(enum.StrEnum):
    PENDING = "pending"  # submitted, verdict not yet applied: never visible to others
    PUBLISHED = "published"
    LIMITED = "limited"  # visible, but not recommended or listed in hot lists
    HELD = "held"  # waiting for a human decision: visible only to its author
    BLOCKED = "blocked"  # refused before publication
    REMOVED = "removed"  # taken down after publication
    DELETED = "deleted"  # deleted by its author


# The one definition of "others can see it", used by every read path.
VISIBLE_STATES = (ContentState.PUBLISHED, ContentState.LIMITED)


class ContentItem(Base):
    __tablename__ = "content_items"
    __table_args__ = (
        Index("ix_content_items_kind_state_id", "kind", "state", "id"),
        Index("ix_content_items_root_id", "root_id", "id"),
        Index("ix_content_items_video", "video_id", "offset_ms"),
        Index("ix_content_items_conversation", "author_id", "recipient_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(String(16))
    author_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    video_id: Mapped[str | None] = mapped_column(String(64))
    offset_ms: Mapped[int | None]
    state: Mapped[ContentState] = mapped_column(String(16), default=ContentState.PENDING)
    labels: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    # Governance mode for recommendation (R12.1): encourage, neutral, resist or prohibit.
    recommendation: Mapped[str] = mapped_column(String(16), default="neutral", server_default="neutral")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContentStateChange(Base):
    """Every state an item has been in, who moved it there and on which rule."""

    __tablename__ = "content_state_changes"
    __table_args__ = (Index("ix_content_state_changes_content", "content_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    rule_id: Mapped[str | None] = mapped_column(String(40))
    rule_version: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContentFingerprint(Base):
    """MinHash signatures of removed items (R14.2), indexed by LSH band; see ``content.fingerprints``."""

    __tablename__ = "content_fingerprints"
    __table_args__ = tuple(Index(f"ix_content_fingerprints_band{n}", f"band{n}") for n in range(8))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    band0: Mapped[int] = mapped_column(BigInteger)
    band1: Mapped[int] = mapped_column(BigInteger)
    band2: Mapped[int] = mapped_column(BigInteger)
    band3: Mapped[int] = mapped_column(BigInteger)
    band4: Mapped[int] = mapped_column(BigInteger)
    band5: Mapped[int] = mapped_column(BigInteger)
    band6: Mapped[int] = mapped_column(BigInteger)
    band7: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
