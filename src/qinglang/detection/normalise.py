"""Normalisation against evasion, with a way back to the original offsets (R7.1, R7.3, R8.2).

Lexicon terms and post text both go through :func:`normalise`, so whatever the function does
(even lossy things such as folding ``i`` and ``l`` together) is consistent on both sides. The
normalised string is a *matching view*, never shown to anyone: evidence is always reported in
original-text offsets via :meth:`Normalised.span_to_original`.

Speed matters because this runs on every post. The common case (simplified Chinese with ordinary
punctuation) costs two regex scans: one removes the gaps and gives up at the first character that
needs more, one looks for runs. Every per-character table is built once at import, and the offset
map only when a caller maps a span. The full pipeline (``_every_step``) is the reference that the
shorter ways must equal; tests/detection/test_normalise_fast_path.py checks that they do.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

import numpy as np

# The tables keep their underscore names here: the steps below and their tests read them as such.
from qinglang.detection.normalise_tables import EXPANDER_BMP as _EXPANDER_BMP
from qinglang.detection.normalise_tables import EXPANDERS as _EXPANDERS
from qinglang.detection.normalise_tables import FILLER_BMP as _FILLER_BMP
from qinglang.detection.normalise_tables import LUT as _LUT
from qinglang.detection.normalise_tables import NEEDS_MAP_BMP as _NEEDS_MAP_BMP
from qinglang.detection.normalise_tables import SEP_BMP as _SEP_BMP
from qinglang.detection.normalise_tables import class_from as _class_from

# (output starts, output lengths, input starts, input lengths) of a step's stretches
_Segments = tuple[list[int], list[int], list[int], list[int]]


# Digits and signs that stand for letters, applied only inside tokens that also hold a latin
# letter, so that dates, prices and phone numbers stay digits.
_LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s"})  # fmt: skip
# Both branches behind one class, so that ``re`` can skip to candidates (an alternation cannot).
_LEET_CONTEXT = re.compile(r"[a-z0-9@$](?:(?<=[a-z])[0-9@$]|(?<=[0-9@$])[a-z])")
_LEET_TOKEN = re.compile(r"[a-z0-9@$]+")

# Astral blocks, given coarsely (see _class_from): mathematical alphanumerics, enclosed
# alphanumerics, CJK compatibility ideographs; tag characters; emoji and pictographs.
_ENCLOSED_ALNUM = "\U0001f100-\U0001f1ff"
_NEEDS_MAP_ASTRAL = f"\U0001d400-\U0001d7ff{_ENCLOSED_ALNUM}\U0002f800-\U0002fa1f"
_FILLER_ASTRAL = "\U000e0000-\U000e0fff"
_SEP_ASTRAL = "\U0001f000-\U0001fbff"
_ANY_ASTRAL = "\U00010000-\U0010ffff"

_EXPANDER_RE = re.compile(f"[{_EXPANDER_BMP}{_ENCLOSED_ALNUM}]")
_FILLERS = re.compile(f"[{_FILLER_BMP}{_FILLER_ASTRAL}]+")
# Anything that needs the table, filler or latin steps; clean simplified Chinese has none of it.
_SPECIAL_CLASS = f"A-Za-z{_NEEDS_MAP_BMP}{_FILLER_BMP}{_EXPANDER_BMP}{_NEEDS_MAP_ASTRAL}{_FILLER_ASTRAL}"
_SPECIAL = re.compile(f"[{_SPECIAL_CLASS}]")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEP = f"[{_SEP_BMP}{_SEP_ASTRAL}]"
# Separators wedged inside a Chinese word (法*轮, 法 轮 功, 法。轮。功) are dropped. One regex per
# concern, each guarded by a cheap search: one alternation of all of them was 5x slower in ``re``.
# Each pattern starts with the separator class and checks what precedes it afterwards, so ``re``
# can skip ahead to the next separator; a leading lookbehind made it test every position (2x).
_CJK_GAP = re.compile(f"{_SEP}(?<=[{_CJK}].){_SEP}{{0,5}}+(?=[{_CJK}])", re.DOTALL)
# Mixed spellings (falun 功): only searched for when the text has latin letters at all.
_MIXED_GAP = re.compile(
    f"{_SEP}(?:(?<=[{_CJK}].){_SEP}{{0,5}}+(?=[a-z0-9])|(?<=[a-z0-9].){_SEP}{{0,5}}+(?=[{_CJK}]))", re.DOTALL
)
# Between latin letters only when both neighbours are single letters (f.u.c.k, f u c k), so
# ordinary English keeps its spaces and words stay apart.
_LATIN = re.compile("[a-z]")
_SPACED_LETTERS = re.compile(f"{_SEP}(?<=[a-z]{_SEP})(?<![a-z0-9][a-z]{_SEP}){_SEP}{{0,2}}(?=[a-z](?![a-z0-9]))")
# What is left between two latin words becomes one space ("falun  gong", "child-porn"), after
# leet has turned the @ and $ inside words into letters. Captured, so a run maps to its one space.
_WORD_GAP = re.compile(f"(?<=[a-z])({_SEP}+)(?=[a-z])")
# Latin letters repeated twice or more fold to one ("fuuuck", and "free" → "fre" on both sides);
# other characters only from three on, since doubled characters (妈妈, 天天) are ordinary words.
_RUN = re.compile(r"(.)\1\1", re.DOTALL)
_LATIN_DOUBLE = re.compile(r"([a-z])\1")
_COLLAPSE = re.compile(r"([a-z])\1+|(.)\2{2,}", re.DOTALL)

# The clean-text pass: one scan that removes the gaps _CJK_GAP removes and, at the first character
# _SPECIAL would find, swallows the rest of the text. Split at those matches, a text ends with a
# non-empty piece unless something was swallowed (a gap always has a character after it). The
# separator class leaves out the enclosed alphanumerics, which are special, so no gap can hide
# one. This costs about what the gap scan alone did; a separate scan for special characters cost
# 25% more, and split-then-join is 5% faster than sub, which also lists the "" it puts in.
_SEP_NOT_SPECIAL = f"[{_SEP_BMP}\U0001f000-\U0001f0ff\U0001f200-\U0001fbff]"
_CLEAN_PASS = re.compile(
    f"[{_SEP_BMP}A-Za-z{_NEEDS_MAP_BMP}{_FILLER_BMP}{_EXPANDER_BMP}{_ANY_ASTRAL}]"
    f"(?:(?<=[{_CJK}]{_SEP_NOT_SPECIAL}){_SEP_NOT_SPECIAL}{{0,5}}+(?=[{_CJK}])"  # a gap: most hits, so first
    f"|(?<=[{_SPECIAL_CLASS}])(?s:.*))"
)
_MAPPED_BMP = {int(cp): chr(_LUT[cp]) for cp in np.nonzero(_LUT[:0x10000] != np.arange(0x10000))[0]}
# Chinese characters the table maps to Chinese characters it leaves alone (traditional →
# simplified, compatibility ideographs): they change no gap and leave nothing else to do.
_CJK_TO_CJK = frozenset(
    chr(cp)
    for cp, to in _MAPPED_BMP.items()
    if re.fullmatch(f"[{_CJK}]{{2}}", chr(cp) + to) and ord(to) not in _MAPPED_BMP
)
# Special characters other than the latin letters, which fold with str.lower (and i → l); any
# astral character counts too (one range scans faster than the exact few).
_SPECIAL_BESIDES_LETTERS = re.compile(
    f"[{_class_from([cp for cp in _MAPPED_BMP if cp >= 0x80])}{_FILLER_BMP}{_EXPANDER_BMP}{_ANY_ASTRAL}]"
)
# Expanders, fillers and the two characters the table turns into fillers (ﾞ ﾟ → combining marks):
# rare enough that one search usually rules out both of their steps.
_RARE = re.compile(
    f"[{_EXPANDER_BMP}{_ENCLOSED_ALNUM}{_FILLER_BMP}{_FILLER_ASTRAL}"
    f"{_class_from([cp for cp, to in _MAPPED_BMP.items() if _FILLERS.match(to)])}]"
)

# A length-changing step, as (pattern whose matches were replaced, its input) or, for the
# expansion step, (None, its segments). Segments are only worked out when a span is mapped.
_Step = tuple[re.Pattern[str] | None, Any]


def _locate(
    out_starts: list[int], out_lens: list[int], in_starts: list[int], in_lens: list[int],
    index: int, is_start: bool,
) -> int:  # fmt: skip
    seg = max(bisect.bisect_right(out_starts, index) - 1, 0)
    o0, olen, i0, ilen = out_starts[seg], out_lens[seg], in_starts[seg], in_lens[seg]
    if olen == ilen:  # a copied stretch: index maps one to one
        pos = i0 + min(index - o0, ilen - 1)
        return pos if is_start else pos + 1
    return i0 if is_start else i0 + ilen  # a collapsed run or an expansion: the whole stretch


def _sub_segments(pattern: re.Pattern[str], source: str) -> _Segments:
    rows: list[tuple[int, int, int, int]] = []  # (output start, output length, input start, input length)
    out = last = 0
    collapses = pattern.groups > 0  # only the run patterns capture anything
    for m in pattern.finditer(source):
        start, end = m.span()
        if start > last:
            rows.append((out, start - last, last, start - last))
            out += start - last
        if collapses:  # a collapsed run: one output char for all of it
            rows.append((out, 1, start, end - start))
            out += 1
        last = end
    if len(source) > last or not rows:
        rows.append((out, len(source) - last, last, len(source) - last))
    return _columns(rows)


def _columns(rows: list[tuple[int, int, int, int]]) -> _Segments:
    out_starts, out_lens, in_starts, in_lens = (list(column) for column in zip(*rows, strict=True))
    return out_starts, out_lens, in_starts, in_lens


def _expand(text: str) -> tuple[str, _Segments]:
    """Slow path for the rare characters NFKC turns into several (⑩, ﬁ, ㎏)."""
    rows: list[tuple[int, int, int, int]] = []
    out = 0
    for i, ch in enumerate(text):
        width = len(_EXPANDERS.get(ord(ch), ch))
        rows.append((out, width, i, 1))
        out += width
    return "".join(_EXPANDERS.get(ord(ch), ch) for ch in text), _columns(rows)


def _map_chars(text: str) -> str:
    # surrogatepass: a lone surrogate (it happens in scraped JSON) passes through unchanged
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _LUT.take(codes).tobytes().decode("utf-32-le", "surrogatepass")


def _leet_token(m: re.Match[str]) -> str:
    token = m.group(0)
    return token.translate(_LEET) if any("a" <= c <= "z" for c in token) else token


class Normalised:
    """The matching view of a text and the way back to the original's offsets."""

    __slots__ = ("original", "text", "_steps")

    def __init__(self, original: str, text: str, steps: list[_Step] | None = None) -> None:
        self.original = original
        self.text = text
        # None: the clean-text pass alone, whose only possible step is the gap removal. Replaced by
        # a tuple of the steps' segments when a span is first mapped.
        self._steps: list[_Step] | tuple[_Segments, ...] | None = steps

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of :attr:`text` to the original text's indices."""
        if start >= end:
            raise ValueError("empty span")
        for out_starts, out_lens, in_starts, in_lens in reversed(self._segments()):
            start, end = (
                _locate(out_starts, out_lens, in_starts, in_lens, start, True),
                _locate(out_starts, out_lens, in_starts, in_lens, end - 1, False),
            )
        return start, end

    def _segments(self) -> tuple[_Segments, ...]:
        steps = self._steps
        if isinstance(steps, tuple):
            return steps
        if steps is None:
            steps = [(_CJK_GAP, self.original)] if len(self.text) != len(self.original) else []
        built = tuple(_sub_segments(pattern, data) if pattern is not None else data for pattern, data in steps)
        self._steps = built
        return built


_clean_pass = _CLEAN_PASS.split
_find_run = _RUN.search
_new = object.__new__


def normalise(text: str) -> Normalised:
    """Fold a text into its matching view (see module docstring for what is folded)."""
    pieces = _clean_pass(text)
    if not pieces[-1]:  # a special character swallowed the rest (or the text is empty)
        return _normalise_special(text)
    view = "".join(pieces)
    # Nothing special: the gaps are gone, and only a run of three can still need collapsing.
    if _find_run(view):
        steps: list[_Step] = [(_CJK_GAP, text)] if len(view) != len(text) else []
        return Normalised(text, _apply(_COLLAPSE, _first_char, view, steps), steps)
    norm = _new(Normalised)  # as Normalised(text, view), without the __init__ call (a third of the cost)
    norm.original = text
    norm.text = view
    norm._steps = None
    return norm


def _normalise_special(text: str) -> Normalised:
    """Every step, for a text with at least one character _SPECIAL finds. Two common cases take a
    shorter way, decided by the first such character; the full way is the reference for both."""
    first = _SPECIAL.search(text)
    char = first.group() if first is not None else ""
    if char in _CJK_TO_CJK:
        # Most likely traditional characters alone: once mapped, the text may be clean.
        mapped = _map_chars(text)
        pieces = _clean_pass(mapped)
        if pieces[-1]:
            view = "".join(pieces)
            steps: list[_Step] = [(_CJK_GAP, mapped)] if len(view) != len(mapped) else []
            if _find_run(view):
                view = _apply(_COLLAPSE, _first_char, view, steps)
            return Normalised(text, view, steps)
    elif char.isascii() and char.isalpha() and not _SPECIAL_BESIDES_LETTERS.search(text):
        # Latin letters are all there is to fold: the table only lower-cases them and turns i into l
        # (no other character changes under lower(): it would be in the table).
        return _finish(text, text.lower().replace("i", "l"), [], latin=True)
    return _every_step(text)


def _every_step(text: str) -> Normalised:
    steps: list[_Step] = []
    current = text
    if _RARE.search(text):
        if _EXPANDER_RE.search(current):
            current, segments = _expand(current)
            steps.append((None, segments))
        current = _map_chars(current)  # the table lower-cases too, one to one
        if _FILLERS.search(current):
            current = _apply(_FILLERS, "", current, steps)
    else:
        current = _map_chars(current)
    return _finish(text, current, steps, latin=_LATIN.search(current) is not None)


def _finish(text: str, current: str, steps: list[_Step], latin: bool) -> Normalised:
    """The steps after the table: gaps, latin spacing and leet, runs."""
    current = _apply(_CJK_GAP, "", current, steps)
    if latin:
        current = _apply(_SPACED_LETTERS, "", current, steps)
        current = _apply(_MIXED_GAP, "", current, steps)
        if _LEET_CONTEXT.search(current):
            current = _LEET_TOKEN.sub(_leet_token, current)  # one to one: no offset step
        current = _apply(_WORD_GAP, " ", current, steps)
    if _RUN.search(current) or latin and _LATIN_DOUBLE.search(current):
        current = _apply(_COLLAPSE, _first_char, current, steps)
    return Normalised(text, current, steps)


def _first_char(run: re.Match[str]) -> str:
    return run[0][0]  # a function: a r"\1\2" template was 1.7x slower in Python 3.11


def _apply(
    pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str], current: str, steps: list[_Step]
) -> str:
    out = pattern.sub(repl, current)
    if len(out) != len(current):  # every pattern here removes or collapses: same length, no change
        steps.append((pattern, current))
    return out


def normalise_text(text: str) -> str:
    """The matching view alone (for lexicon terms, where no offsets are needed)."""
    return normalise(text).text
