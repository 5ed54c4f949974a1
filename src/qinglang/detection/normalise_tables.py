"""The per-character tables behind :mod:`qinglang.detection.normalise`, built once at import.

One table maps every code point to what it folds to (NFKC, lower case, accents off, look-alike
letters, traditional to simplified through OpenCC, character by character so the mapping stays
one to one); the rest are regex character classes: characters the table changes, fillers removed
everywhere, separators, and the few characters NFKC turns into several (expanders).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import opencc

_MAX_CODE_POINT = 0x110000

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

# Invisible characters that never carry meaning in a post: removed everywhere.
_EXTRA_FILLERS = "\u3164\u115f\u1160\u2800\uffa0"


def class_from(code_points: list[int]) -> str:
    """Build a regex character class body from the BMP part of sorted code points.

    ``re`` compiles BMP classes into a bitmap, while a class with many astral ranges is scanned
    range by range and was 10x slower, so astral blocks are added coarsely by the callers.
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
    return "".join(parts)


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
    """The code point table, the BMP classes (needs the table, filler, separator) and expanders."""
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
        if cat[0] in "PZS" or ch in "\t\n\r" or _is_mark_letter(cp, cat):
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
    return lut, class_from(needs_map), class_from(fillers), class_from(separators), expanders


def _is_mark_letter(cp: int, category: str) -> bool:
    """Spacing modifier letters that are marks, not letters, to a reader: tone marks (ˇ ˊ ˋ ˉ),
    stress and length marks, apostrophe-like primes. Unicode files them as letters (Lm), so they
    would otherwise hold a term apart (法ˇ轮ˇ功); the ones NFKC maps to a letter (ʰ → h) stay."""
    return category == "Lm" and 0x2B0 <= cp <= 0x2FF and unicodedata.normalize("NFKC", chr(cp)) == chr(cp)


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


LUT, NEEDS_MAP_BMP, FILLER_BMP, SEP_BMP, EXPANDERS = _build_tables()
EXPANDER_BMP = class_from(sorted(EXPANDERS))
