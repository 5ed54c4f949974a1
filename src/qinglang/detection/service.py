"""The platform's own lexicon terms, versioned, on top of the shipped curated lists (R7.1)."""

from __future__ import annotations

import copy
import math
import threading
import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.detection.lexicon import ALLOW_CATEGORY, Lexicon, LexiconEntry, read_csv, read_txt
from qinglang.detection.models import LexiconTerm, LexiconVersion
from qinglang.detection.signals import CATEGORIES
from qinglang.errors import InvalidInput, NotFound

MAX_IMPORT_TERMS = 200_000


def _validate(entry: LexiconEntry, where: str = "") -> None:
    if entry.tier == "allow":
        return
    if entry.category not in CATEGORIES and not entry.category.startswith("platform."):
        raise InvalidInput(f"{where}unknown category {entry.category!r}", code="unknown_category")


def current_version(session: Session) -> int:
    return session.scalar(select(func.max(LexiconVersion.id))) or 0


def _new_version(session: Session, summary: str, actor_id: int | None) -> LexiconVersion:
    version = LexiconVersion(summary=summary[:400], created_by=actor_id)
    session.add(version)
    session.flush()
    return version


def active_terms(session: Session, *, category: str | None = None, tier: str | None = None,
                 query: str | None = None, limit: int = 100, offset: int = 0) -> list[LexiconTerm]:
    statement = select(LexiconTerm).where(LexiconTerm.removed_in.is_(None))
    if category:
        statement = statement.where(LexiconTerm.category == category)
    if tier:
        statement = statement.where(LexiconTerm.tier == tier)
    if query:
        statement = statement.where(LexiconTerm.term.contains(query))
    return list(session.scalars(statement.order_by(LexiconTerm.id).limit(limit).offset(offset)))


def add_entries(session: Session, entries: list[LexiconEntry], *, source: str, actor_id: int | None,
                summary: str) -> tuple[LexiconVersion, int]:
    """Add terms not already active; returns the new version and how many were new."""
    if len(entries) > MAX_IMPORT_TERMS:
        raise InvalidInput(f"at most {MAX_IMPORT_TERMS} terms per import", code="too_many_terms")
    for number, entry in enumerate(entries, start=1):
        _validate(entry, f"term {number} ({entry.term!r}): " if len(entries) > 1 else "")
    existing = {
        (t, c, tier) for t, c, tier in session.execute(
            select(LexiconTerm.term, LexiconTerm.category, LexiconTerm.tier).where(LexiconTerm.removed_in.is_(None)))
    }
    fresh: dict[tuple[str, str, str], LexiconEntry] = {}
    for entry in entries:
        key = (entry.term, entry.category, entry.tier)
        if key not in existing:
            fresh.setdefault(key, entry)
    version = _new_version(session, summary, actor_id)
    session.add_all(
        LexiconTerm(term=e.term, category=e.category, tier=e.tier, variants="|".join(e.variants),
                    source=source, added_in=version.id)
        for e in fresh.values()
    )
    version.added = len(fresh)
    session.flush()
    return version, len(fresh)


def add_term(session: Session, *, term: str, category: str, tier: str, variants: list[str],
             actor_id: int | None) -> LexiconTerm:
    try:
        entry = LexiconEntry(term=term.strip(), category=category if tier != "allow" else ALLOW_CATEGORY,
                             tier=tier, variants=tuple(sorted(variants)))
    except ValueError as error:
        raise InvalidInput(str(error), code="invalid_term") from None
    version, added = add_entries(session, [entry], source="api", actor_id=actor_id, summary=f"add {entry.term}")
    if not added:
        raise InvalidInput(f"{entry.term!r} is already in the lexicon as {entry.category}/{entry.tier}",
                           code="term_exists")
    return session.scalar(select(LexiconTerm).where(LexiconTerm.added_in == version.id))


def import_text(session: Session, *, fmt: str, content: str, category: str | None, tier: str, source: str,
                actor_id: int | None) -> tuple[LexiconVersion, int, int]:
    try:
        entries = read_csv(content) if fmt == "csv" else read_txt(content, category or "", tier)
    except (ValueError, KeyError) as error:
        raise InvalidInput(f"cannot read the {fmt.upper()}: {error}", code="invalid_lexicon_file") from None
    if fmt == "txt" and not category and tier != "allow":
        raise InvalidInput("a TXT import needs the category of its terms", code="category_required")
    if fmt == "txt" and tier == "allow":
        entries = [LexiconEntry(term=e.term, category=ALLOW_CATEGORY, tier="allow") for e in entries]
    version, added = add_entries(session, entries, source=source, actor_id=actor_id,
                                 summary=f"import {source}: {len(entries)} terms")
    return version, len(entries), added


def remove_term(session: Session, term_id: int, actor_id: int | None) -> LexiconVersion:
    term = session.get(LexiconTerm, term_id)
    if term is None or term.removed_in is not None:
        raise NotFound(f"no active term {term_id}", code="term_not_found")
    version = _new_version(session, f"remove {term.term}", actor_id)
    term.removed_in = version.id
    version.removed = 1
    session.flush()
    return version


def versions(session: Session, limit: int = 100) -> list[LexiconVersion]:
    return list(session.scalars(select(LexiconVersion).order_by(LexiconVersion.id.desc()).limit(limit)))


def platform_lexicon(session: Session) -> Lexicon:
    rows = session.execute(select(LexiconTerm.term, LexiconTerm.category, LexiconTerm.tier, LexiconTerm.variants)
                           .where(LexiconTerm.removed_in.is_(None)))
    return Lexicon.from_entries(
        [{"term": t, "category": c, "tier": tier, "variants": v} for t, c, tier, v in rows], name="platform")


class DetectorHolder:
    """The detector in force: shipped lists and models plus the platform's own terms.

    Rebuilt (off the request's critical path only when the lexicon changed) when a newer lexicon
    version exists; checked at most every ``ttl`` seconds since other processes may change it.
    """

    def __init__(self, factory: Any, ttl: float = 2.0) -> None:
        self._factory = factory  # (platform lexicon | None) -> Detector
        self.ttl = ttl
        self._lock = threading.Lock()
        self._detector: Any = None
        self._without_models: Any = None
        self._version = -1
        self._checked_at = -math.inf

    def invalidate(self) -> None:
        self._checked_at = -math.inf

    def get(self, session: Session, *, with_models: bool = True) -> Any:
        """The detector in force; ``with_models=False`` skips the trained classifiers, for
        deployments that run them after publication (``QINGLANG_DEFER_MODELS``)."""
        now = time.monotonic()
        if self._detector is None or now - self._checked_at >= self.ttl:
            with self._lock:
                version = current_version(session)
                if version != self._version or self._detector is None:
                    extra = platform_lexicon(session) if version else None
                    self._detector = self._factory(extra)
                    self._without_models = None
                    self._version = version
                self._checked_at = now
        if with_models:
            return self._detector
        if self._without_models is None:
            light = copy.copy(self._detector)
            light.suite = None
            light.model_versions = {**self._detector.model_versions, "classifiers": "deferred to post review"}
            self._without_models = light
        return self._without_models
