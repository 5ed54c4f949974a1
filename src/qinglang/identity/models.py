from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow


class Role(enum.StrEnum):
    USER = "user"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    AUTHORITY = "authority"


class AccountStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # by the platform, possibly until a time
    CANCELLED = "cancelled"  # by the user
    CLOSED = "closed"  # by the platform; the identity may not register again


class Feature(enum.StrEnum):
    """Services an account can be restricted from, one per kind of content (R15.1)."""

    POST = "post"
    REPLY = "reply"
    MESSAGE = "message"
    DANMAKU = "danmaku"


class RealIdentity(Base):
    """A verified person. Only keyed hashes and masked forms: never the number in clear."""

    __tablename__ = "real_identities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    id_number_hmac: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    name_masked: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(6))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    verifier: Mapped[str] = mapped_column(String(64))
    banned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    banned_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    handle: Mapped[str] = mapped_column(String(32))
    # Handles are unique regardless of case and width: "Alice" and "ａｌｉｃｅ" are one handle.
    handle_key: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    mobile_hmac: Mapped[str] = mapped_column(String(64), index=True)
    mobile_masked: Mapped[str] = mapped_column(String(16))
    role: Mapped[Role] = mapped_column(String(16), default=Role.USER)
    status: Mapped[AccountStatus] = mapped_column(String(16), default=AccountStatus.ACTIVE)
    status_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    muted_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    restrictions: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("real_identities.id"), index=True)
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    identity: Mapped[RealIdentity | None] = relationship(lazy="joined")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AccountEvent(Base):
    """Append-only history of an account: who did what, when, why, citing which rule (R9.3)."""

    __tablename__ = "account_events"
    __table_args__ = (Index("ix_account_events_account_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    rule_id: Mapped[str | None] = mapped_column(String(40))
    rule_version: Mapped[int | None]
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
