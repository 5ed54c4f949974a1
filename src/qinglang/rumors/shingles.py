"""Anchors and containment over normalised character 3-grams: the claim index (R9.7).

A debunked claim usually appears *inside* a longer post, padded, reordered or lightly edited.
Whole-text MinHash (``detection.minhash``) estimates Jaccard similarity, which padding destroys,
so claims are indexed by **anchors** instead: the 3-grams a winnowing pass selects (the smallest
hash in every window of ``WINDOW`` consecutive 3-grams). Selection depends only on the local
text, so a claim and any post containing most of it select the same anchors where they agree,
whatever surrounds them; any shared run of ``WINDOW + 2`` characters shares at least one anchor.
Candidates found through anchors are re-ranked by the finer similarity ``similarity``.

Normalisation is the detection cascade's (width, traditional characters, homoglyphs, spacing and
the other evasions it undoes), so those evasions change nothing here either.
"""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from qinglang.detection.normalise import normalise_text

WINDOW = 4
MIN_LETTERS = 6  # shorter texts ("转发", "哈哈哈") would match everything
_NOT_WORD = re.compile(r"[^\w]+")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(29)


def letters(text: str) -> str:
    return _NOT_WORD.sub("", normalise_text(text)).replace("_", "")


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def trigrams(text: str) -> np.ndarray:
    """The ordered 3-grams of already-normalised letters, each exact in 64 bits."""
    codes = _codes(text)
    if codes.size < 3:
        return np.empty(0, dtype=np.uint64)
    return (codes[:-2] << np.uint64(42)) | (codes[1:-1] << np.uint64(21)) | codes[2:]


def bigrams(text: str) -> np.ndarray:
    codes = _codes(text)
    if codes.size < 2:
        return np.empty(0, dtype=np.uint64)
    return (codes[:-1] << np.uint64(21)) | codes[1:]


def _hash(grams: np.ndarray) -> np.ndarray:
    # Mixing decorrelates the winnowing minimum from code-point order (else the same common
    # characters would be anchors everywhere).
    with np.errstate(over="ignore"):
        mixed = grams * _MIX
        return mixed ^ (mixed >> _SHIFT)


def anchors_of(grams: np.ndarray) -> list[int]:
    """Winnowed anchors as signed 63-bit integers (they fit a BIGINT on both engines)."""
    if grams.size == 0:
        return []
    hashed = _hash(grams)
    if hashed.size <= WINDOW:
        chosen = np.array([hashed.min()], dtype=np.uint64)
    else:
        # The minimum of every WINDOW consecutive hashes, as the minimum of WINDOW shifted views
        # (a sliding-window view costs more to build than this whole function).
        span = hashed.size - WINDOW + 1
        lowest = hashed[:span].copy()
        for shift in range(1, WINDOW):
            np.minimum(lowest, hashed[shift:shift + span], out=lowest)
        chosen = np.unique(lowest)
    return [int(value) for value in chosen >> np.uint64(1)]


class Shingled:
    """A text reduced to what matching needs, each part computed when first asked for: most
    posts share no anchor with any claim and never need their sorted grams."""

    def __init__(self, letters: str) -> None:
        self.letters = letters

    @property
    def matchable(self) -> bool:
        return len(self.letters) >= MIN_LETTERS

    @cached_property
    def ordered_trigrams(self) -> np.ndarray:
        return trigrams(self.letters)

    @cached_property
    def trigrams(self) -> np.ndarray:
        """Unique and sorted."""
        return np.unique(self.ordered_trigrams)

    @cached_property
    def bigrams(self) -> np.ndarray:
        """Unique and sorted."""
        return np.unique(bigrams(self.letters))

    @cached_property
    def anchors(self) -> list[int]:
        return anchors_of(self.ordered_trigrams)


def shingle(text: str) -> Shingled:
    return Shingled(letters(text))


def containment(part: np.ndarray, whole: np.ndarray) -> float:
    """The share of ``part``'s grams that also occur in ``whole``."""
    if part.size == 0:
        return 0.0
    return float(np.isin(part, whole, assume_unique=True).sum()) / part.size


def similarity(claim: Shingled, item: Shingled) -> float:
    """How much of the claim the item says: 3-gram containment, softened by 2-gram containment.

    3-grams alone punish every single-character edit three times over; 2-grams forgive edits
    and light rewording but would let unrelated texts on the same topic look alike, so the two
    are averaged.
    """
    if not claim.matchable or not item.matchable:
        return 0.0
    return 0.5 * containment(claim.trigrams, item.trigrams) + 0.5 * containment(claim.bigrams, item.bigrams)
