"""Category-tagged term lists with tiers, allow-list exceptions and variants (R7.1, R7.3, R8.2).

Tiers:

- ``block``: a short curated list of explicit terms. A hit is a strong signal on its own.
- ``weak``: broad seed lexicons. Their terms occur in most safe posts, so a hit only adds a small
  score and can never flag a text by itself.
- ``allow``: exceptions. A hit on an allow phrase (e.g. 印度支那) suppresses every term inside it.

Entries come from files (TXT one term a line, CSV ``term,category,tier,variants``) or from plain
objects (dicts or :class:`LexiconEntry`), so rows kept in a database feed in the same way.
Matching runs on the normalised text with ahocorasick-rs and reports original-text offsets.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick_rs

from qinglang.detection import variants as variant_forms
from qinglang.detection.normalise import Normalised, normalise, normalise_text

TIERS = ("block", "weak", "allow")
VARIANT_KINDS = ("pinyin", "initials", "homophone")
ALLOW_CATEGORY = "*"

# Single characters and two-letter latin strings hit almost every text: below these lengths a
# pattern is dropped (block terms are curated, so one CJK pair such as 约炮 is still specific).
_MIN_LEN = {"block": 2, "weak": 2, "allow": 2}
_MIN_LATIN_LEN = 3


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    category: str
    tier: str = "weak"
    # Which extra spellings to match: "pinyin", "initials", "homophone".
    variants: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.term.strip():
            raise ValueError("lexicon term is empty")
        if self.tier not in TIERS:
            raise ValueError(f"unknown tier {self.tier!r} for {self.term!r}")
        unknown = set(self.variants) - set(VARIANT_KINDS)
        if unknown:
            raise ValueError(f"unknown variants {sorted(unknown)} for {self.term!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> LexiconEntry:
        """Build from a dict such as a JSON object or a database row."""
        raw_variants = data.get("variants") or ()
        if isinstance(raw_variants, str):
            raw_variants = raw_variants.replace(";", "|").replace(" ", "|").split("|")
        return cls(
            term=str(data["term"]).strip(),
            category=str(data.get("category") or ALLOW_CATEGORY),
            tier=str(data.get("tier") or "weak"),
            variants=tuple(sorted({v.strip() for v in raw_variants if v and v.strip()})),
        )

    def key(self) -> str:
        return "\t".join((self.term, self.category, self.tier, "|".join(self.variants)))


class Hit:
    """One lexicon hit. ``start``/``end`` are original-text offsets, worked out on first use:
    weak hits are many and rarely shown, so most never pay for the offset map."""

    __slots__ = ("entry", "variant", "norm_start", "norm_end", "_norm", "_span")

    def __init__(self, entry: LexiconEntry, variant: str, norm: Normalised, norm_start: int, norm_end: int) -> None:
        self.entry = entry
        self.variant = variant  # "term" or one of VARIANT_KINDS
        self.norm_start = norm_start
        self.norm_end = norm_end
        self._norm = norm
        self._span: tuple[int, int] | None = None

    @property
    def span(self) -> tuple[int, int]:
        if self._span is None:
            self._span = self._norm.span_to_original(self.norm_start, self.norm_end)
        return self._span

    @property
    def start(self) -> int:
        return self.span[0]

    @property
    def end(self) -> int:
        return self.span[1]

    def __repr__(self) -> str:
        return f"Hit({self.entry.term!r}, {self.entry.category}, {self.variant}, {self.span})"


@dataclass(frozen=True)
class _Pattern:
    # (entry, variant kind, is block tier) for every entry whose spelling normalises to this
    owners: tuple[tuple[LexiconEntry, str, bool], ...]
    allow: bool
    left_boundary: bool  # latin edges must not run on into a longer word ("ass" in "class")
    right_boundary: bool
    # Block patterns strictly inside this one, as (offset, length, pattern index): leftmost-longest
    # matching would otherwise let a long weak term swallow a block term it contains.
    inner: tuple[tuple[int, int, int], ...] = ()


def _is_word_char(ch: str) -> bool:
    return "a" <= ch <= "z" or "0" <= ch <= "9"


class Lexicon:
    """An immutable, compiled set of entries. Build once; :meth:`match` is thread-safe."""

    def __init__(self, entries: Iterable[LexiconEntry | Mapping[str, Any]], name: str = "lexicon"):
        unique: dict[str, LexiconEntry] = {}
        for item in entries:
            entry = item if isinstance(item, LexiconEntry) else LexiconEntry.from_mapping(item)
            unique.setdefault(entry.key(), entry)
        self.name = name
        self.entries: tuple[LexiconEntry, ...] = tuple(unique.values())
        digest = hashlib.sha256("\n".join(sorted(unique)).encode("utf-8")).hexdigest()
        self.version = f"{name}:{len(self.entries)}:{digest[:12]}"
        self.categories = frozenset(e.category for e in self.entries if e.tier != "allow")
        self._compile()

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def patterns(self) -> list[str]:
        """The normalised spellings in the automaton (for benchmarks and diagnostics)."""
        return list(self._patterns_text)

    @property
    def automaton(self) -> ahocorasick_rs.AhoCorasick | None:
        return self._automaton

    def __iter__(self) -> Iterator[LexiconEntry]:
        return iter(self.entries)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_entries(cls, entries: Iterable[LexiconEntry | Mapping[str, Any]], name: str = "lexicon") -> Lexicon:
        return cls(entries, name=name)

    @classmethod
    def from_txt(cls, path: str | Path, category: str, tier: str = "weak", name: str | None = None) -> Lexicon:
        return cls(read_txt(Path(path).read_text("utf-8"), category, tier), name or Path(path).stem)

    @classmethod
    def from_csv(cls, path: str | Path, name: str | None = None) -> Lexicon:
        return cls(read_csv(Path(path).read_text("utf-8")), name or Path(path).stem)

    @classmethod
    def curated(cls) -> Lexicon:
        """The short explicit lists shipped with the package (detection/lexicons/*.csv)."""
        folder = resources.files("qinglang.detection") / "lexicons"
        entries: list[LexiconEntry] = []
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".csv"):
                entries.extend(read_csv(item.read_text("utf-8")))
        return cls(entries, name="curated")

    def merged(self, *others: Lexicon, name: str | None = None) -> Lexicon:
        """One lexicon (one automaton, one pass per text) holding this and the others' entries."""
        entries = [*self.entries]
        for other in others:
            entries.extend(other.entries)
        return Lexicon(entries, name=name or "+".join([self.name, *(o.name for o in others)]))

    def _compile(self) -> None:
        by_pattern: dict[str, list[tuple[int, str]]] = {}
        for index, entry in enumerate(self.entries):
            for kind, spelling in _spellings(entry):
                pattern = normalise_text(spelling)
                if _long_enough(pattern, entry.tier):
                    by_pattern.setdefault(pattern, []).append((index, kind))
        self._patterns_text = list(by_pattern)
        self._block_ids = [
            i for i, p in enumerate(self._patterns_text)
            if any(self.entries[e].tier == "block" for e, _ in by_pattern[p])
        ]  # fmt: skip
        inner = self._inner_block_patterns()
        self._patterns: list[_Pattern] = []
        for i, (pattern, owners) in enumerate(by_pattern.items()):
            allow = any(self.entries[e].tier == "allow" for e, _ in owners)
            self._patterns.append(
                _Pattern(
                    owners=tuple((self.entries[e], kind, self.entries[e].tier == "block") for e, kind in owners),
                    allow=allow,
                    left_boundary=_is_word_char(pattern[0]),
                    right_boundary=_is_word_char(pattern[-1]),
                    inner=() if allow else inner.get(i, ()),
                )
            )
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self._patterns_text, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
            if self._patterns_text
            else None
        )

    def _inner_block_patterns(self) -> dict[int, tuple[tuple[int, int, int], ...]]:
        if not self._block_ids:
            return {}
        block_texts = [self._patterns_text[i] for i in self._block_ids]
        finder = ahocorasick_rs.AhoCorasick(block_texts)
        inner: dict[int, tuple[tuple[int, int, int], ...]] = {}
        for i, pattern in enumerate(self._patterns_text):
            found = tuple(
                (start, end - start, self._block_ids[j])
                for j, start, end in finder.find_matches_as_indexes(pattern, overlapping=True)
                if end - start < len(pattern)
            )
            if found:
                inner[i] = found
        return inner

    # -- matching -----------------------------------------------------------------------------

    def match(self, norm: Normalised) -> list[Hit]:
        """Hits in ``norm``, allow-listed ones removed, spans in original-text offsets."""
        if self._automaton is None or not norm.text:
            return []
        text = norm.text
        patterns = self._patterns
        hits: list[Hit] = []
        for pattern_id, start, end in self._automaton.find_matches_as_indexes(text):
            meta = patterns[pattern_id]
            if meta.allow:
                continue
            if meta.left_boundary and start > 0 and _is_word_char(text[start - 1]):
                continue
            if meta.right_boundary and end < len(text) and _is_word_char(text[end]):
                continue
            for entry, kind, block in meta.owners:
                hits.append(_hit(entry, kind, norm, start, end, block))
            for offset, length, inner_id in meta.inner:
                at = start + offset
                for entry, kind, block in patterns[inner_id].owners:
                    if block:
                        hits.append(_hit(entry, kind, norm, at, at + length, block))
        return hits

    def match_text(self, text: str) -> list[Hit]:
        return self.match(normalise(text))


def _hit(entry: LexiconEntry, kind: str, norm: Normalised, start: int, end: int, block: bool) -> Hit:
    hit = Hit(entry, kind, norm, start, end)
    if block:
        hit.span  # noqa: B018 - block hits are evidence every time: map them now
    return hit


def _spellings(entry: LexiconEntry) -> Iterator[tuple[str, str]]:
    yield "term", entry.term
    if " " in entry.term and entry.term.isascii():
        # "s e x   c a m" loses every space in normalisation, word gaps included
        yield "term", entry.term.replace(" ", "")
    if "pinyin" in entry.variants:
        for spelling in variant_forms.pinyin(entry.term) + variant_forms.mixed_pinyin(entry.term):
            yield "pinyin", spelling
    if "initials" in entry.variants:
        initials = variant_forms.initials(entry.term)
        if initials is not None:
            yield "initials", initials
    if "homophone" in entry.variants:
        for spelling in variant_forms.homophones(entry.term):
            yield "homophone", spelling


def _long_enough(pattern: str, tier: str) -> bool:
    if len(pattern) < _MIN_LEN[tier]:
        return False
    return not (pattern.isascii() and len(pattern.replace(" ", "")) < _MIN_LATIN_LEN)


def read_txt(content: str, category: str, tier: str = "weak") -> list[LexiconEntry]:
    """One term a line; blank lines and lines starting with '#' are skipped."""
    return [
        LexiconEntry(term=line.strip(), category=category, tier=tier)
        for line in content.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def read_csv(content: str) -> list[LexiconEntry]:
    """CSV with a header ``term,category,tier,variants``; '#' lines are comments."""
    lines = [line for line in content.splitlines() if line.strip() and not line.startswith("#")]
    return [LexiconEntry.from_mapping(row) for row in csv.DictReader(io.StringIO("\n".join(lines)))]
