from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qinglang.db import Base, BigId, JSONDoc, UTCDateTime, utcnow


class DocumentSlug(enum.StrEnum):
    MANAGEMENT_RULES = "management-rules"
    CONVENTIONS = "conventions"
    USER_AGREEMENT = "user-agreement"
    REPORTING_METHODS = "reporting-methods"


class RuleDocument(Base):
    """One published version of a document. Versions are never edited, only superseded."""

    __tablename__ = "rule_documents"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    rules: Mapped[list[Rule]] = relationship(
        back_populates="document", order_by="Rule.position", lazy="selectin"
    )


class Rule(Base):
    """A citable rule inside a document version: decisions name it by ``rule_id`` and version."""

    __tablename__ = "rules"
    __table_args__ = (
        UniqueConstraint("document_id", "rule_id"),
        Index("ix_rules_rule_id", "rule_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("rule_documents.id"))
    rule_id: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    requirements: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    categories: Mapped[list[str]] = mapped_column(JSONDoc, default=list)

    document: Mapped[RuleDocument] = relationship(back_populates="rules")


class AgreementAcceptance(Base):
    __tablename__ = "agreement_acceptances"
    __table_args__ = (UniqueConstraint("account_id", "document_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("rule_documents.id"))
    version: Mapped[int]
    accepted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
