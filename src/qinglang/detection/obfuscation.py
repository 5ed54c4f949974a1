"""Evasive spellings of lexicon terms, to measure how well matching resists them (R7.1, R8.2).

Each generator takes a term and returns a variant a writer might type to slip past a blocklist,
or None when the trick does not apply (no traditional form, no latin letters...). The recall
test in tests/detection runs the lexicon over these and must keep ≥ 0.9.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import opencc

from qinglang.detection import variants

_S2T = opencc.OpenCC("s2t")
_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
              "s": "ѕ", "k": "κ", "v": "ν", "t": "τ"}  # fmt: skip
_PUNCT = "*.-_/|·~"
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


def spaced(term: str, rng: random.Random) -> str | None:
    return " ".join(term) if len(term) > 1 else None


def traditional(term: str, rng: random.Random) -> str | None:
    converted = _S2T.convert(term)
    return converted if converted != term else None


def pinyin(term: str, rng: random.Random) -> str | None:
    spelled = rng.choice(variants.pinyin(term)) if _has_han(term) else None
    return spelled.upper() if spelled and rng.random() < 0.3 else spelled


def initials(term: str, rng: random.Random) -> str | None:
    return variants.initials(term)


def lookalike(term: str, rng: random.Random) -> str | None:
    out = "".join(_LOOKALIKE.get(c, c) if rng.random() < 0.6 else c for c in term)
    return out if out != term else None


def zero_width(term: str, rng: random.Random) -> str | None:
    if len(term) < 2:
        return None
    return "".join(c + rng.choice(_ZERO_WIDTH) for c in term[:-1]) + term[-1]


def punctuated(term: str, rng: random.Random) -> str | None:
    if len(term) < 2:
        return None
    mark = rng.choice(_PUNCT)
    return mark.join(term)


def full_width(term: str, rng: random.Random) -> str | None:
    out = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in term)
    return out if out != term else None


def repeated(term: str, rng: random.Random) -> str | None:
    i = rng.randrange(len(term))
    return term[:i] + term[i] * 4 + term[i + 1 :] if not term[i].isspace() else None


def emoji_inserted(term: str, rng: random.Random) -> str | None:
    if len(term) < 2 or not _has_han(term):
        return None
    i = rng.randrange(1, len(term))
    return term[:i] + rng.choice("🌸🔥😀👉") + term[i:]


GENERATORS: dict[str, Callable[[str, random.Random], str | None]] = {
    "spaced": spaced,
    "traditional": traditional,
    "pinyin": pinyin,
    "initials": initials,
    "lookalike": lookalike,
    "zero_width": zero_width,
    "punctuated": punctuated,
    "full_width": full_width,
    "repeated": repeated,
    "emoji": emoji_inserted,
}
# Pinyin and initials are only matched for entries that ask for them (see lexicon variants).
NEEDS_VARIANT = {"pinyin": "pinyin", "initials": "initials"}


def evasions(term: str, seed: int = 0) -> Iterator[tuple[str, str]]:
    """Every applicable (technique, variant) for ``term``, reproducibly."""
    rng = random.Random(f"{seed}:{term}")
    for name, generate in GENERATORS.items():
        variant = generate(term, rng)
        if variant:
            yield name, variant


def _has_han(term: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in term)
