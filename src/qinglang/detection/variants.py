"""Spelling variants of Chinese terms: pinyin, initials, homophones (R7.1, R8.2).

Used on the lexicon side, for entries that ask for them: writers dodge a blocklist by typing
``falungong``, ``flg`` or a same-sounding character (发轮功), so those spellings are matched too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Each character gets at most this many same-sounding substitutes: the common ones, in GB 2312
# order, which roughly follows frequency. More would mostly add false positives.
HOMOPHONES_PER_CHAR = 6


# Terms up to this many syllables also get every grouping of their syllables into words.
GROUPED_SYLLABLES = 6


def pinyin(term: str) -> list[str]:
    """``法轮功`` → ``falungong``, ``fa lun gong``, then the groupings between (``falun gong``,
    the usual romanisation, and ``fa lungong``) for terms of up to six syllables. No tones;
    non-Chinese parts kept."""
    syllables = lazy_pinyin(term)
    spellings = ["".join(syllables), " ".join(syllables)]
    if len(syllables) <= GROUPED_SYLLABLES:
        for cuts in range(1, (1 << (len(syllables) - 1)) - 1):  # a set bit: a space after that syllable
            spellings.append("".join(
                syllable + (" " if cuts >> i & 1 else "") for i, syllable in enumerate(syllables)))
    return list(dict.fromkeys(spellings))


def mixed_pinyin(term: str, max_chars: int = 5) -> list[str]:
    """Spellings mixing characters and pinyin (``falun功``, ``法lun gong``) for short terms."""
    syllables = lazy_pinyin(term)
    chars = list(term)
    if len(syllables) != len(chars) or len(chars) > max_chars:
        return []  # non-Chinese parts make the lists diverge; long terms explode combinatorially
    out: list[str] = []
    for mask in range(1, (1 << len(chars)) - 1):
        for joiner in ("", " "):
            spelled = ""
            for i, (ch, syllable) in enumerate(zip(chars, syllables, strict=True)):
                if mask >> i & 1:
                    after_pinyin = i > 0 and mask >> (i - 1) & 1
                    spelled += (joiner if after_pinyin else "") + syllable
                else:
                    spelled += ch
            out.append(spelled)
    return list(dict.fromkeys(out))


def initials(term: str) -> str | None:
    """``法轮功`` → ``flg``; None when the term has fewer than three Chinese characters, whose
    initials would be two letters that occur everywhere."""
    if len(_HAN.findall(term)) < 3:
        return None
    return "".join(lazy_pinyin(term, style=Style.FIRST_LETTER))


@lru_cache(maxsize=1)
def _homophone_index() -> dict[str, tuple[str, ...]]:
    """Toneless syllable → common characters with that reading (GB 2312 level 1)."""
    index: dict[str, list[str]] = {}
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                ch = bytes((high, low)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            syllable = lazy_pinyin(ch)[0]
            index.setdefault(syllable, []).append(ch)
    return {syllable: tuple(chars) for syllable, chars in index.items()}


def homophones_of(ch: str) -> tuple[str, ...]:
    if not _HAN.match(ch):
        return ()
    same = _homophone_index().get(lazy_pinyin(ch)[0], ())
    return tuple(c for c in same if c != ch)[:HOMOPHONES_PER_CHAR]


def homophones(term: str) -> list[str]:
    """Spellings of ``term`` with one character swapped for a same-sounding one."""
    out: list[str] = []
    for i, ch in enumerate(term):
        for other in homophones_of(ch):
            out.append(term[:i] + other + term[i + 1 :])
    return out
