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
from qinglang.detection.matcher import PatternMatcher
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


# (entry, variant kind, is block tier): one entry whose spelling normalises to a pattern.
_Owner = tuple[LexiconEntry, str, bool]
_new = object.__new__


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
    def matcher(self) -> PatternMatcher:
        """The automata behind :meth:`scan` (for benchmarks and diagnostics)."""
        return self._matcher

    def find(self, view: str) -> list[tuple[int, int, int]]:
        """The automaton's raw matches in a matching view, as (pattern id, start, end) in view
        offsets, before allow phrases and word boundaries are applied (for diagnostics)."""
        found, shift = self._matcher.find(view)
        return [(pattern_id, start >> shift, end >> shift) for pattern_id, start, end in found]

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
        texts = list(by_pattern)
        owners = [
            tuple((self.entries[e], kind, self.entries[e].tier == "block") for e, kind in found)
            for found in by_pattern.values()
        ]
        allow = [any(entry.tier == "allow" for entry, _, _ in group) for group in owners]
        inner = _inner_block_patterns(texts, [i for i, group in enumerate(owners) if any(b for _, _, b in group)])
        # A plain pattern (weak owners only, no allow, no latin edge, no block term inside) needs
        # nothing but its owners looked up. Plain patterns get the low ids, so that one comparison
        # per match tells whether any needs a closer look: most texts only hit plain ones.
        needs_check = [
            allow[i] or _is_word_char(t[0]) or _is_word_char(t[-1]) or i in inner or any(b for _, _, b in owners[i])
            for i, t in enumerate(texts)
        ]
        order = sorted(range(len(texts)), key=needs_check.__getitem__)
        self._patterns_text = [texts[i] for i in order]
        self._owners: list[tuple[_Owner, ...]] = [owners[i] for i in order]
        self._n_plain = needs_check.count(False)
        # An inner block hit reports the inner pattern's block owners only: those get their own ids.
        inner_ids: dict[int, int] = {}
        for old in sorted({inner_old for found in inner.values() for _, _, inner_old in found}):
            inner_ids[old] = len(self._owners)
            self._owners.append(tuple(owner for owner in owners[old] if owner[2]))
        # Per checked pattern (id - n_plain): is allow, left and right word boundary, inner block hits.
        self._checks: list[tuple[bool, bool, bool, tuple[tuple[int, int, int], ...]]] = [
            (
                allow[i],
                _is_word_char(texts[i][0]),
                _is_word_char(texts[i][-1]),
                () if allow[i] else tuple((offset, length, inner_ids[j]) for offset, length, j in inner.get(i, ())),
            )
            for i in order[self._n_plain :]
        ]
        self._matcher = PatternMatcher(self._patterns_text)

    # -- matching -----------------------------------------------------------------------------

    def scan(self, norm: Normalised) -> Matches:
        """Matches in ``norm``, allow-listed ones removed: what the detection cascade uses."""
        text = norm.text
        found, shift = self._matcher.find(text)
        n_plain = self._n_plain
        for pattern_id, _, _ in found:  # a plain loop: max() over the tuples took 3x as long
            if pattern_id >= n_plain:
                if shift:
                    found, shift = [(p, start >> 1, end >> 1) for p, start, end in found], 0
                found = self._checked(found, text)
                break
        matches = _new(Matches)  # as Matches(norm, found, owners), without the __init__ call
        matches.norm = norm
        matches.found = found
        matches.shift = shift
        matches._owners = self._owners
        return matches

    def _checked(self, found: list[tuple[int, int, int]], text: str) -> list[tuple[int, int, int]]:
        n_plain = self._n_plain
        checks = self._checks
        kept: list[tuple[int, int, int]] = []
        for item in found:
            pattern_id, start, end = item
            if pattern_id < n_plain:
                kept.append(item)
                continue
            allow, left_boundary, right_boundary, inner = checks[pattern_id - n_plain]
            if allow:
                continue
            if left_boundary and start > 0 and _is_word_char(text[start - 1]):
                continue
            if right_boundary and end < len(text) and _is_word_char(text[end]):
                continue
            kept.append(item)
            for offset, length, inner_id in inner:
                kept.append((inner_id, start + offset, start + offset + length))
        return kept

    def match(self, norm: Normalised) -> list[Hit]:
        """Hits in ``norm``, allow-listed ones removed, spans in original-text offsets."""
        return self.scan(norm).hits()

    def match_text(self, text: str) -> list[Hit]:
        return self.match(normalise(text))


class Matches:
    """One text's lexicon matches, kept as (pattern id, start, end) in the matching view.

    Weak hits are many (the seed lexicons hit most posts) and rarely shown, so nothing per hit is
    built here: :meth:`hits` makes :class:`Hit` objects, and original offsets are worked out only
    for the hits someone maps.
    """

    __slots__ = ("norm", "found", "shift", "_owners")

    def __init__(
        self, norm: Normalised, found: list[tuple[int, int, int]], owners: list[tuple[_Owner, ...]], shift: int = 0
    ) -> None:
        self.norm = norm
        # (pattern id, start, end): offsets in the matching view shifted left by ``shift`` bits
        # (the automaton's byte offsets into UTF-16 are halved only when someone reads them)
        self.found = found
        self.shift = shift
        self._owners = owners

    def __len__(self) -> int:
        return len(self.found)

    def __iter__(self) -> Iterator[tuple[LexiconEntry, str, int, int]]:
        """(entry, variant, start, end) per entry hit, in text order; offsets in the matching view."""
        owners = self._owners
        shift = self.shift
        for pattern_id, start, end in self.found:
            for entry, variant, _ in owners[pattern_id]:
                yield entry, variant, start >> shift, end >> shift

    def hits(self) -> list[Hit]:
        """Every hit as a :class:`Hit`; block hits are mapped to the original text at once."""
        out: list[Hit] = []
        for entry, variant, start, end in self:
            hit = Hit(entry, variant, self.norm, start, end)
            if entry.tier == "block":
                hit.span  # noqa: B018 - block hits are evidence every time: map them now
            out.append(hit)
        return out


def _inner_block_patterns(texts: list[str], block_ids: list[int]) -> dict[int, tuple[tuple[int, int, int], ...]]:
    """Block patterns strictly inside each pattern, as (offset, length, pattern index):
    leftmost-longest matching would otherwise let a long weak term swallow a block term in it."""
    if not block_ids:
        return {}
    finder = ahocorasick_rs.AhoCorasick([texts[i] for i in block_ids])
    inner: dict[int, tuple[tuple[int, int, int], ...]] = {}
    for i, pattern in enumerate(texts):
        found = tuple(
            (start, end - start, block_ids[j])
            for j, start, end in finder.find_matches_as_indexes(pattern, overlapping=True)
            if end - start < len(pattern)
        )
        if found:
            inner[i] = found
    return inner


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
