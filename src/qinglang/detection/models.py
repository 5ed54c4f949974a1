from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.db import Base, BigId, UTCDateTime, utcnow


class LexiconVersion(Base):
    """Every change to the platform's own lexicon makes a version (what changed, by whom)."""

    __tablename__ = "lexicon_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)  # the version number
    summary: Mapped[str] = mapped_column(String(400))
    added: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LexiconTerm(Base):
    """A term the platform added on top of the shipped curated lists. Removal keeps the row."""

    __tablename__ = "lexicon_terms"
    __table_args__ = (Index("ix_lexicon_terms_active", "removed_in", "category"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    term: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(8))
    variants: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(200), default="api")
    added_in: Mapped[int] = mapped_column(ForeignKey("lexicon_versions.id"))
    removed_in: Mapped[int | None] = mapped_column(ForeignKey("lexicon_versions.id"))
