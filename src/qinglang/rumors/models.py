"""The debunk bank (R9.7), its anchor index, the content index for sweeps and the record of
which items were disposed for which claim (for exposure figures and the public pages)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow


class ClaimVerdict(enum.StrEnum):
    FALSE = "false"
    MISLEADING = "misleading"
    UNVERIFIED = "unverified"
    TRUE = "true"


class ClaimStatus(enum.StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"  # kept for the record, no longer matched


class Claim(Base):
    """A checked claim with its verdict and debunk (a schema.org ClaimReview, in our columns)."""

    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The source's own identifier (a ClaimReview url or a data set row ID): re-imports update.
    external_id: Mapped[str | None] = mapped_column(String(400), unique=True)
    text: Mapped[str] = mapped_column(Text)
    verdict: Mapped[ClaimVerdict] = mapped_column(String(16))
    debunk: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    publisher: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    tags: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    claim_date: Mapped[dt.date | None]
    review_date: Mapped[dt.date | None]
    status: Mapped[ClaimStatus] = mapped_column(String(16), default=ClaimStatus.ACTIVE)
    anchor_count: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClaimAnchor(Base):
    """Anchor → claim: the index every new item is matched through (``rumors.shingles``)."""

    __tablename__ = "claim_anchors"

    anchor: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), primary_key=True)


class ContentAnchor(Base):
    """Anchor → published item, filled at publication: how a new claim finds stored content."""

    __tablename__ = "content_anchors"

    anchor: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), primary_key=True)


class ClaimHit(Base):
    """An item ruled false because it matched a claim, and when (R9.7 exposure figures)."""

    __tablename__ = "claim_hits"
    __table_args__ = (
        UniqueConstraint("claim_id", "content_id"),
        Index("ix_claim_hits_content_id", "content_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    similarity: Mapped[float]
    action: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(20))
    disposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    corrections_sent: Mapped[int] = mapped_column(default=0)
