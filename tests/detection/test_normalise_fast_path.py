"""The clean-text pass of ``normalise`` gives exactly what every step applied in turn gives: the
same matching view and the same way back to the original offsets (R7.1, R8.2)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import numpy as np
import pytest

from qinglang.detection import normalise as norm_module
from qinglang.detection.bench import synth_posts
from qinglang.detection.lexicon import Lexicon
from qinglang.detection.normalise import normalise
from qinglang.detection.obfuscation import evasions

# Each output character of a step, as the half-open range of the step's input it came from.
CharMap = list[tuple[int, int]]


def _removing(pattern: re.Pattern[str], text: str) -> tuple[str, CharMap]:
    out: list[str] = []
    origin: CharMap = []
    last = 0
    for m in pattern.finditer(text):
        out.append(text[last : m.start()])
        origin.extend((i, i + 1) for i in range(last, m.start()))
        last = m.end()
    out.append(text[last:])
    origin.extend((i, i + 1) for i in range(last, len(text)))
    return "".join(out), origin


def _collapsing(
    text: str, pattern: re.Pattern[str] = norm_module._COLLAPSE, into: str | None = None
) -> tuple[str, CharMap]:
    """Each match becomes one character: ``into``, or the match's first."""
    out: list[str] = []
    origin: CharMap = []
    last = 0
    for m in pattern.finditer(text):
        out.append(text[last : m.start()])
        origin.extend((i, i + 1) for i in range(last, m.start()))
        out.append(into or text[m.start()])
        origin.append((m.start(), m.end()))
        last = m.end()
    out.append(text[last:])
    origin.extend((i, i + 1) for i in range(last, len(text)))
    return "".join(out), origin


def _expanding(text: str) -> tuple[str, CharMap]:
    out: list[str] = []
    origin: CharMap = []
    for i, ch in enumerate(text):
        rep = norm_module._EXPANDERS.get(ord(ch), ch)
        out.append(rep)
        origin.extend((i, i + 1) for _ in rep)
    return "".join(out), origin


def _leet(text: str) -> str:
    def token(m: re.Match[str]) -> str:
        word = m.group(0)
        return word.translate(norm_module._LEET) if re.search("[a-z]", word) else word

    return norm_module._LEET_TOKEN.sub(token, text)


SEP = norm_module._SEP
CJK = norm_module._CJK
# The gap patterns as first written: normalise's own are equivalent but faster spellings.
CJK_GAP = re.compile(f"{SEP}(?<=[{CJK}]{SEP}){SEP}{{0,5}}(?=[{CJK}])")
MIXED_GAP = re.compile(f"{SEP}(?<=[{CJK}]{SEP}){SEP}{{0,5}}(?=[a-z0-9])|{SEP}(?<=[a-z0-9]{SEP}){SEP}{{0,5}}(?=[{CJK}])")
WORD_GAP = re.compile(f"(?<=[a-z]){SEP}+(?=[a-z])")
FILLERS = re.compile(f"[{norm_module._FILLER_BMP}{norm_module._FILLER_ASTRAL}]")
SPECIAL = re.compile(f"[{norm_module._SPECIAL_CLASS}]")


def reference(text: str) -> tuple[str, Callable[[int, int], tuple[int, int]]]:
    """Every step applied in turn, each with a plain per-character map (the slow, obvious way)."""
    maps: list[CharMap] = []
    current = text
    latin = False
    if SPECIAL.search(text):
        current, origin = _expanding(current)
        maps.append(origin)
        codes = np.frombuffer(current.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        current = norm_module._LUT[codes].tobytes().decode("utf-32-le", "surrogatepass")
        current, origin = _removing(FILLERS, current)
        maps.append(origin)
        latin = re.search("[a-z]", current) is not None
    current, origin = _removing(CJK_GAP, current)
    maps.append(origin)
    if latin:
        for pattern in (norm_module._SPACED_LETTERS, MIXED_GAP):
            current, origin = _removing(pattern, current)
            maps.append(origin)
        current = _leet(current)
        current, origin = _collapsing(current, WORD_GAP, " ")
        maps.append(origin)
    if norm_module._RUN.search(current) or latin and re.search(r"([a-z])\1", current):
        current, origin = _collapsing(current)
        maps.append(origin)

    def to_original(start: int, end: int) -> tuple[int, int]:
        for origin in reversed(maps):
            start, end = origin[start][0], origin[end - 1][1]
        return start, end

    return current, to_original


ALPHABET = (
    list("法轮功约炮你好哈妈天今发说們這個時國東車門見長發輪髮abcfuckFUCKxyz 0134579@$")
    + list(".,，。！？、：…*～-_/|·\t\n　")
    + ["\u200b", "\u200d", "\ufe0f", "\u00ad", "\u0301", "\x00", "\x07", "\ue000", "\ud800"]  # fillers, odd
    + ["①", "⑩", "ﬁ", "㎏", "ﾞ", "Ａ", "ｆ", "р", "ο", "і", "ё"]  # width, expanders, look-alikes
    + ["🄀", "🄰", "😀", "🌸", "𝐟", "𐐀", "\U000e0041", "丽"]  # astral: enclosed, emoji, math, tags
)


def generated_corpus() -> list[str]:
    rng = random.Random(20240607)
    texts = synth_posts(3000, seed=3)
    texts += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(20000)]
    # gaps and runs dense enough to meet every odd character in every position around them
    gappy = list("哈好法轮，。 ！*") + rng.sample(ALPHABET, 12)
    texts += ["".join(rng.choice(gappy) for _ in range(rng.randint(1, 20))) for _ in range(3000)]
    for odd in ALPHABET:
        texts += ["".join(rng.choice([*"哈好，。 ！", odd]) for _ in range(rng.randint(3, 12))) for _ in range(40)]
    for entry in Lexicon.curated():
        for _, variant in evasions(entry.term):
            texts.append(f"路人甲说：{variant}，你懂的")
            texts.append(f"{variant}{rng.choice(ALPHABET)}{variant}")
    return texts


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return generated_corpus()


def test_normalise_matches_the_step_by_step_reference(corpus: list[str]) -> None:
    for text in corpus:
        expected, to_original = reference(text)
        norm = normalise(text)
        assert norm.text == expected, text
        n = len(expected)
        spans = [(s, e) for s in range(n) for e in range(s + 1, min(n, s + 6) + 1)]
        assert [norm.span_to_original(s, e) for s, e in spans] == [to_original(s, e) for s, e in spans], text


def test_both_paths_are_exercised_and_clean_text_takes_the_fast_one(
    corpus: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    full_path: list[str] = []
    original = norm_module._normalise_special

    def recording(text: str) -> norm_module.Normalised:
        full_path.append(text)
        return original(text)

    monkeypatch.setattr(norm_module, "_normalise_special", recording)
    for text in corpus:
        normalise(text)
    taken = set(full_path) - {""}  # the empty text goes the full way too: it has no last piece to keep
    special = {text for text in corpus if SPECIAL.search(text)}
    assert taken == special
    assert len(special) > 1000 and len(corpus) - len(special) > 3000


@pytest.mark.parametrize(
    "text",
    [
        "好，🄀好",  # an enclosed alphanumeric (expands to "0.") inside a gap must not be dropped
        "好\x00好，好",  # the sentinel character inside the text, and at its end
        "好，\x00",
        "\x00\x00",
        "\ue000ｆｕｃｋ",  # a private-use character before a special one
        "好。。。",  # a run of separators at the end stays a run of three to collapse
        "哈，哈，哈真好笑",  # a run across gaps
    ],
)
def test_awkward_texts_match_the_reference(text: str) -> None:
    expected, to_original = reference(text)
    norm = normalise(text)
    assert norm.text == expected
    if expected:
        assert norm.span_to_original(0, len(expected)) == to_original(0, len(expected))
