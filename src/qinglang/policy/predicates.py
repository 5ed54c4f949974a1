"""The conditions a policy rule can test. Each is a small class registered by name; a rule's
``when`` is a tree of these joined by ``all``/``any``/``not``.

Adding a predicate: subclass ``Predicate``, give it a ``name``, a ``parse`` that reports
problems with their path, and a pure ``test``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from qinglang.detection.signals import CATEGORIES, EVIDENCE_SOURCES, Span
from qinglang.policy.document import Path, Problem
from qinglang.policy.facts import Facts

KINDS = ("post", "reply", "message", "danmaku")
THRESHOLD_NAMES = ("block", "review")
CLAIM_VERDICTS = ("false", "misleading", "unverified", "true")
Report = Callable[[Problem], None]


def suggest(value: object, choices: tuple[str, ...] | list[str]) -> str | None:
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"one of: {', '.join(choices)}"


def is_category(value: object) -> bool:
    return isinstance(value, str) and (value in CATEGORIES or value.startswith("platform."))


class Predicate:
    name: ClassVar[str]
    registry: ClassVar[dict[str, type[Predicate]]] = {}

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        Predicate.registry[cls.name] = cls

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        raise NotImplementedError

    def test(self, facts: Facts) -> bool:
        raise NotImplementedError

    def evidence(self, facts: Facts) -> list[Span]:
        """The spans that made this condition true, for the verdict's reasons."""
        return []


@dataclass(frozen=True)
class Score(Predicate):
    """``score: {category: illegal.terrorism, at_least: block}``: the category's score reaches a
    number or one of the detector's operating points (``block``, ``review``)."""

    name: ClassVar[str] = "score"
    category: str
    at_least: float | str

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        if not isinstance(value, dict):
            report(Problem(path, "score needs a mapping", "score: {category: illegal.terrorism, at_least: block}"))
            return None
        ok = _known_keys(value, ("category", "at_least"), path, report)
        category, at_least = value.get("category"), value.get("at_least")
        if not is_category(category):
            report(Problem(path + ("category",), f"unknown category {category!r}", suggest(category, CATEGORIES)))
            ok = False
        if isinstance(at_least, bool) or not (
            (isinstance(at_least, int | float) and 0 <= at_least <= 1) or at_least in THRESHOLD_NAMES
        ):
            report(Problem(path + ("at_least",), f"at_least must be a number in [0, 1] or one of "
                           f"{', '.join(THRESHOLD_NAMES)}, not {at_least!r}", suggest(at_least, THRESHOLD_NAMES)))
            ok = False
        return cls(category, at_least) if ok else None

    def threshold(self, facts: Facts) -> float:
        if isinstance(self.at_least, str):
            # A category the detector gives no operating point for never passes a named one.
            return facts.thresholds.get(self.category, {}).get(self.at_least, 2.0)
        return float(self.at_least)

    def test(self, facts: Facts) -> bool:
        return facts.signals.scores.get(self.category, 0.0) >= self.threshold(facts)

    def evidence(self, facts: Facts) -> list[Span]:
        return [span for span in facts.signals.evidence if span.category == self.category]


@dataclass(frozen=True)
class Flag(Predicate):
    """``flag: illegal.privacy``: the detector flagged the category at its own threshold."""

    name: ClassVar[str] = "flag"
    category: str

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        if not is_category(value):
            report(Problem(path, f"unknown category {value!r}", suggest(value, CATEGORIES)))
            return None
        return cls(value)

    def test(self, facts: Facts) -> bool:
        return self.category in facts.signals.flags

    def evidence(self, facts: Facts) -> list[Span]:
        return [span for span in facts.signals.evidence if span.category == self.category]


@dataclass(frozen=True)
class EvidenceFrom(Predicate):
    """``evidence: {category: illegal.terrorism, source: lexicon}``: a span of that kind exists."""

    name: ClassVar[str] = "evidence"
    category: str | None
    source: str | None

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        if not isinstance(value, dict) or not value:
            report(Problem(path, "evidence needs a mapping", "evidence: {category: ..., source: lexicon}"))
            return None
        ok = _known_keys(value, ("category", "source"), path, report)
        category, source = value.get("category"), value.get("source")
        if category is not None and not is_category(category):
            report(Problem(path + ("category",), f"unknown category {category!r}", suggest(category, CATEGORIES)))
            ok = False
        if source is not None and source not in EVIDENCE_SOURCES:
            report(Problem(path + ("source",), f"unknown source {source!r}", suggest(source, EVIDENCE_SOURCES)))
            ok = False
        return cls(category, source) if ok else None

    def evidence(self, facts: Facts) -> list[Span]:
        return [
            span for span in facts.signals.evidence
            if (self.category is None or span.category == self.category)
            and (self.source is None or span.source == self.source)
        ]

    def test(self, facts: Facts) -> bool:
        return bool(self.evidence(facts))


@dataclass(frozen=True)
class Kind(Predicate):
    """``kind: [post, reply]``: the item is one of these kinds."""

    name: ClassVar[str] = "kind"
    kinds: frozenset[str]

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        kinds = _one_or_more(value, KINDS, "kind", path, report)
        return None if kinds is None else cls(kinds)

    def test(self, facts: Facts) -> bool:
        return facts.kind in self.kinds


@dataclass(frozen=True)
class Stage(Predicate):
    """``stage: [post_review]``: where in the item's life the decision is taken."""

    name: ClassVar[str] = "stage"
    stages: frozenset[str]

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        from qinglang.policy.facts import STAGES

        stages = _one_or_more(value, STAGES, "stage", path, report)
        return None if stages is None else cls(stages)

    def test(self, facts: Facts) -> bool:
        return facts.stage in self.stages


@dataclass(frozen=True)
class AuthorMinor(Predicate):
    """``author_minor: true``: the author's verified identity says they are under age."""

    name: ClassVar[str] = "author_minor"
    minor: bool

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        return cls(value) if _is_boolean(value, path, report) else None

    def test(self, facts: Facts) -> bool:
        return facts.author_minor is self.minor


@dataclass(frozen=True)
class AuthorTier(Predicate):
    """``author_tier: [restricted, probation]``: the author's credit tier (R10.3)."""

    name: ClassVar[str] = "author_tier"
    tiers: frozenset[str]

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) and v for v in values):
            report(Problem(path, "author_tier needs tier names", "author_tier: [probation, restricted]"))
            return None
        return cls(frozenset(values))

    def test(self, facts: Facts) -> bool:
        return facts.author_tier in self.tiers


@dataclass(frozen=True)
class ReachAtLeast(Predicate):
    """``reach_at_least: 1000``: views and reposts so far (real-time inspection, R9.6)."""

    name: ClassVar[str] = "reach_at_least"
    reach: int

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            report(Problem(path, f"reach_at_least must be a whole number ≥ 0, not {value!r}"))
            return None
        return cls(value)

    def test(self, facts: Facts) -> bool:
        return facts.reach >= self.reach


@dataclass(frozen=True)
class CopyOfRemoved(Predicate):
    """``copy_of_removed: true``: a near-duplicate of content already removed (R14.2)."""

    name: ClassVar[str] = "copy_of_removed"
    expected: bool

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        return cls(value) if _is_boolean(value, path, report) else None

    def test(self, facts: Facts) -> bool:
        return (facts.copy_of_removed is not None) is self.expected


@dataclass(frozen=True)
class Claim(Predicate):
    """``claim: {verdict: [false, misleading], band: high}``: the item matches a debunked claim."""

    name: ClassVar[str] = "claim"
    verdicts: frozenset[str]
    band: str

    @classmethod
    def parse(cls, value: Any, path: Path, report: Report) -> Predicate | None:
        if not isinstance(value, dict):
            report(Problem(path, "claim needs a mapping", "claim: {verdict: [false], band: high}"))
            return None
        ok = _known_keys(value, ("verdict", "band"), path, report)
        verdicts = value.get("verdict", list(CLAIM_VERDICTS[:2]))
        verdicts = verdicts if isinstance(verdicts, list) else [verdicts]
        # YAML reads an unquoted false/true as a boolean; here it can only mean the verdict.
        verdicts = [str(v).lower() if isinstance(v, bool) else v for v in verdicts]
        for v in verdicts:
            if v not in CLAIM_VERDICTS:
                report(Problem(path + ("verdict",), f"unknown claim verdict {v!r}", suggest(v, CLAIM_VERDICTS)))
                ok = False
        band = value.get("band", "high")
        if band not in ("high", "suggest"):
            report(Problem(path + ("band",), f"band must be 'high' or 'suggest', not {band!r}"))
            ok = False
        return cls(frozenset(verdicts), band) if ok else None

    def test(self, facts: Facts) -> bool:
        return any(m.verdict in self.verdicts and m.band == self.band for m in facts.claim_matches)

    def evidence(self, facts: Facts) -> list[Span]:
        return [span for span in facts.signals.evidence if span.source == "claim_match"]


def _one_or_more(value: Any, allowed: tuple[str, ...], what: str, path: Path, report: Report) -> frozenset[str] | None:
    """A name or a list of names, each one of ``allowed``."""
    values = value if isinstance(value, list) else [value]
    bad = [v for v in values if v not in allowed]
    for v in bad:
        report(Problem(path, f"unknown {what} {v!r}", suggest(v, allowed)))
    return None if bad or not values else frozenset(values)


def _is_boolean(value: Any, path: Path, report: Report) -> bool:
    if not isinstance(value, bool):
        report(Problem(path, f"{path[-1]} must be true or false, not {value!r}"))
        return False
    return True


def _known_keys(value: dict, allowed: tuple[str, ...], path: Path, report: Report) -> bool:
    ok = True
    for key in value:
        if key not in allowed:
            report(Problem(path + (key,), f"unknown key {key!r}", suggest(key, allowed)))
            ok = False
    return ok
