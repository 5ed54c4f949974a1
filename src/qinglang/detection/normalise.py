"""Normalisation against evasion, with a way back to the original offsets (R7.1, R7.3, R8.2).

Lexicon terms and post text both go through :func:`normalise`, so whatever the function does
(even lossy things such as folding ``i`` and ``l`` together) is consistent on both sides. The
normalised string is a *matching view*, never shown to anyone: evidence is always reported in
original-text offsets via :meth:`Normalised.span_to_original`.

Speed matters because this runs on every post. The common case (clean simplified Chinese with
ordinary punctuation) costs one ``str.lower``, two regex scans and one ``re.sub``; all per-character
tables are built once at import, and the offset map is only built when a caller asks for it
(i.e. when something matched).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import opencc

_MAX_CODE_POINT = 0x110000
# (output starts, output lengths, input starts, input lengths) of a step's stretches
_Segments = tuple[list[int], list[int], list[int], list[int]]

# Letters that look like latin ones. Lower-case forms only: text is lower-cased first.
_HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ү": "y", "ɡ": "g", "ɑ": "a", "һ": "h", "ո": "n", "ս": "u",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "η": "n", "μ": "u", "ϲ": "c",
}  # fmt: skip

# i, l and 1 are interchangeable to a reader; folding them into one letter on both the text and
# the lexicon side lets "sh1t", "shlt" and "shit" meet without guessing which one was meant.
_SKELETON = {"i": "l"}

# Digits and signs that stand for letters, applied only inside tokens that also hold a latin
# letter, so that dates, prices and phone numbers stay digits.
_LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s"})  # fmt: skip
_LEET_CONTEXT = re.compile(r"[a-z][0-9@$]|[0-9@$][a-z]")
_LEET_TOKEN = re.compile(r"[a-z0-9@$]+")

# Invisible characters that never carry meaning in a post: removed everywhere.
_EXTRA_FILLERS = "\u3164\u115f\u1160\u2800\uffa0"


def _class_from(code_points: list[int], astral: str = "") -> str:
    """Build a regex character class body from sorted code points.

    Only the BMP part is kept exactly: ``re`` compiles it into a bitmap, while a class with many
    astral ranges is scanned range by range and was 10x slower. Astral blocks are given coarsely.
    """
    code_points = [cp for cp in code_points if cp < 0x10000]
    parts: list[str] = []
    start = prev = None
    for cp in code_points:
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            parts.append(_range(start, prev))
            start = prev = cp
    if start is not None:
        parts.append(_range(start, prev))
    return "".join(parts) + astral


def _range(lo: int, hi: int) -> str:
    return re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"


def _t2s_table() -> dict[str, str]:
    """Character-level traditional→simplified pairs, taken from OpenCC once.

    Converting char by char (not phrase by phrase) keeps the mapping 1:1, so the offset map stays
    exact; pairs where OpenCC would change the length are skipped rather than approximated.
    """
    converter = opencc.OpenCC("t2s")
    ranges = list(range(0x3400, 0x4DC0)) + list(range(0x4E00, 0xA000)) + list(range(0xF900, 0xFB00))
    source = [chr(cp) for cp in ranges]
    converted = converter.convert("\n".join(source)).split("\n")
    if len(converted) != len(source):  # the joiner itself was touched: fall back to per char
        converted = [converter.convert(ch) for ch in source]
    return {s: t for s, t in zip(source, converted, strict=True) if t != s and len(t) == 1}


def _build_tables() -> tuple[np.ndarray, str, str, str, dict[int, str]]:
    t2s = _t2s_table()
    lut = np.arange(_MAX_CODE_POINT, dtype=np.uint32)
    fillers: list[int] = []
    separators: list[int] = []
    expanders: dict[int, str] = {}
    scan = list(range(0x30000)) + list(range(0xE0000, 0xE0200))
    for cp in scan:
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Mn", "Me") or ch in _EXTRA_FILLERS or (cat == "Cc" and ch not in "\t\n\r"):
            fillers.append(cp)
            continue
        if cat[0] in "PZS" or ch in "\t\n\r":
            separators.append(cp)
            continue
        if cat in ("Cn", "Co", "Cs"):
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) > 1:
            if any(c.isalnum() for c in folded):
                expanders[cp] = _fold_string(folded, t2s)
            else:
                separators.append(cp)
            continue
        target = _fold_char(folded, t2s)
        if target != ch:
            lut[cp] = ord(target)
    # Lone surrogates (they turn up in scraped JSON) cannot be encoded for the matcher.
    lut[0xD800:0xE000] = 0xFFFD
    needs_map = np.nonzero(lut != np.arange(_MAX_CODE_POINT, dtype=np.uint32))[0].tolist()
    return (
        lut,
        _class_from(needs_map, "\U0001d400-\U0001d7ff\U0001f100-\U0001f1ff\U0002f800-\U0002fa1f"),
        _class_from(fillers, "\U000e0000-\U000e0fff"),
        _class_from(separators, "\U0001f000-\U0001fbff"),
        expanders,
    )


def _fold_char(ch: str, t2s: dict[str, str]) -> str:
    lowered = ch.lower()
    if len(lowered) == 1:
        ch = lowered
    decomposed = unicodedata.normalize("NFKD", ch)
    if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
        ch = decomposed[0].lower()  # é, ü → plain letter: accents are a cheap way round a blocklist
    ch = _HOMOGLYPHS.get(ch, ch)
    ch = t2s.get(ch, ch)
    return _SKELETON.get(ch, ch)


def _fold_string(s: str, t2s: dict[str, str]) -> str:
    return "".join(_fold_char(c, t2s) for c in s)


_LUT, _NEEDS_MAP_CLASS, _FILLER_CLASS, _SEP_CLASS, _EXPANDERS = _build_tables()
_NEEDS_MAP = re.compile(f"[{_NEEDS_MAP_CLASS}]")
_ENCLOSED_ALNUM = "\U0001f100-\U0001f1ff"
_EXPANDER_RE = re.compile(f"[{_class_from(sorted(_EXPANDERS), _ENCLOSED_ALNUM)}]")
_FILLERS = re.compile(f"[{_FILLER_CLASS}]+")
# Anything that needs the slower steps; clean simplified Chinese usually has none of it.
_SPECIAL = re.compile(f"[A-Za-z{_NEEDS_MAP_CLASS}{_FILLER_CLASS}{_class_from(sorted(_EXPANDERS), _ENCLOSED_ALNUM)}]")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEP = f"[{_SEP_CLASS}]"
# Separators wedged inside a Chinese word (法*轮, 法 轮 功, 法。轮。功) are dropped. One regex per
# concern, each guarded by a cheap search: one alternation of all of them was 5x slower in ``re``.
# Each pattern starts with the separator class and checks what precedes it afterwards, so ``re``
# can skip ahead to the next separator; a leading lookbehind made it test every position (2x).
_CJK_GAP = re.compile(f"{_SEP}(?<=[{_CJK}]{_SEP}){_SEP}{{0,5}}(?=[{_CJK}])")
# Mixed spellings (falun 功): only searched for when the text has latin letters at all.
_MIXED_GAP = re.compile(
    f"{_SEP}(?<=[{_CJK}]{_SEP}){_SEP}{{0,5}}(?=[a-z0-9])|{_SEP}(?<=[a-z0-9]{_SEP}){_SEP}{{0,5}}(?=[{_CJK}])"
)
# Between latin letters only when both neighbours are single letters (f.u.c.k, f u c k), so
# ordinary English keeps its spaces and words stay apart.
_LATIN = re.compile("[a-z]")
_SPACED_LETTERS = re.compile(f"{_SEP}(?<=[a-z]{_SEP})(?<![a-z0-9][a-z]{_SEP}){_SEP}{{0,2}}(?=[a-z](?![a-z0-9]))")
# Latin letters repeated twice or more fold to one ("fuuuck", and "free" → "fre" on both sides);
# other characters only from three on, since doubled characters (妈妈, 天天) are ordinary words.
_RUN = re.compile(r"(.)\1\1", re.DOTALL)
_LATIN_DOUBLE = re.compile(r"([a-z])\1")
_COLLAPSE = re.compile(r"([a-z])\1+|(.)\2{2,}", re.DOTALL)


class _Step:
    """One length-changing step: maps its output indices to ranges of its input.

    The segments are built on first use; most texts match nothing and never need them."""

    __slots__ = ("_build", "_segments")

    def __init__(self, build: Callable[[], _Segments]) -> None:
        self._build = build
        self._segments: _Segments | None = None

    def segments(self) -> _Segments:
        if self._segments is None:
            self._segments = self._build()
        return self._segments

    def to_input(self, start: int, end: int) -> tuple[int, int]:
        out_starts, out_lens, in_starts, in_lens = self.segments()
        return _locate(out_starts, out_lens, in_starts, in_lens, start, True), _locate(
            out_starts, out_lens, in_starts, in_lens, end - 1, False
        )


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


def _sub_segments(pattern: re.Pattern[str], source: str) -> Callable[[], _Segments]:
    def build() -> _Segments:
        out_starts: list[int] = []
        out_lens: list[int] = []
        in_starts: list[int] = []
        in_lens: list[int] = []
        out = last = 0
        collapses = pattern.groups > 0  # only the run patterns capture anything
        for m in pattern.finditer(source):
            start, end = m.span()
            if start > last:
                out_starts.append(out)
                out_lens.append(start - last)
                in_starts.append(last)
                in_lens.append(start - last)
                out += start - last
            if collapses:  # a collapsed run: one output char for all of it
                out_starts.append(out)
                out_lens.append(1)
                in_starts.append(start)
                in_lens.append(end - start)
                out += 1
            last = end
        if len(source) > last or not out_starts:
            out_starts.append(out)
            out_lens.append(len(source) - last)
            in_starts.append(last)
            in_lens.append(len(source) - last)
        return out_starts, out_lens, in_starts, in_lens

    return build


def _expand(text: str) -> tuple[str, _Step]:
    """Slow path for the rare characters NFKC turns into several (⑩, ﬁ, ㎏)."""
    pieces: list[str] = []
    out_starts: list[int] = []
    out_lens: list[int] = []
    in_starts: list[int] = []
    in_lens: list[int] = []
    out = 0
    for i, ch in enumerate(text):
        rep = _EXPANDERS.get(ord(ch), ch)
        pieces.append(rep)
        out_starts.append(out), out_lens.append(len(rep)), in_starts.append(i), in_lens.append(1)
        out += len(rep)
    segments = (out_starts, out_lens, in_starts, in_lens)
    return "".join(pieces), _Step(lambda: segments)


def _map_chars(text: str) -> str:
    # surrogatepass: a lone surrogate (it happens in scraped JSON) passes through unchanged
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _LUT[codes].tobytes().decode("utf-32-le", "surrogatepass")


def _leet_token(m: re.Match[str]) -> str:
    token = m.group(0)
    return token.translate(_LEET) if any("a" <= c <= "z" for c in token) else token


class Normalised:
    """The matching view of a text and the way back to the original's offsets."""

    __slots__ = ("original", "text", "steps")

    def __init__(self, original: str, text: str, steps: list[_Step]) -> None:
        self.original = original
        self.text = text
        self.steps = steps

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of :attr:`text` to the original text's indices."""
        if start >= end:
            raise ValueError("empty span")
        for step in reversed(self.steps):
            start, end = step.to_input(start, end)
        return start, end


def normalise(text: str) -> Normalised:
    """Fold a text into its matching view (see module docstring for what is folded)."""
    steps: list[_Step] = []
    current = text
    latin = False
    # One scan decides whether the table and the latin steps are needed at all; plain simplified
    # Chinese (most posts) skips them.
    if _SPECIAL.search(text):
        if _EXPANDER_RE.search(current):
            current, step = _expand(current)
            steps.append(step)
        current = _map_chars(current)  # the table lower-cases too, one to one
        if _FILLERS.search(current):
            current = _apply(_FILLERS, "", current, steps)
        latin = _LATIN.search(current) is not None
    current = _apply(_CJK_GAP, "", current, steps)
    if latin:
        current = _apply(_SPACED_LETTERS, "", current, steps)
        current = _apply(_MIXED_GAP, "", current, steps)
        if _LEET_CONTEXT.search(current):
            current = _LEET_TOKEN.sub(_leet_token, current)  # one to one: no offset step
    if _RUN.search(current) or latin and _LATIN_DOUBLE.search(current):
        current = _apply(_COLLAPSE, r"\1\2", current, steps)
    return Normalised(original=text, text=current, steps=steps)


def _apply(pattern: re.Pattern[str], repl: str, current: str, steps: list[_Step]) -> str:
    out = pattern.sub(repl, current)
    if out != current:
        steps.append(_Step(_sub_segments(pattern, current)))
    return out


def normalise_text(text: str) -> str:
    """The matching view alone (for lexicon terms, where no offsets are needed)."""
    return normalise(text).text
