"""MinHash signatures and LSH band keys for near-duplicate text (R14.2 copies; R9.7 claims).

Text is normalised (the same evasions the lexicons undo), reduced to letters and digits, and
cut into character 3-grams. A signature keeps, for each of 32 hash functions, the smallest
hash over the shingles; two texts agree on a signature position with probability equal to the
Jaccard similarity of their shingle sets. Eight bands of four positions make index keys: a pair
with Jaccard 0.7 shares at least one band key with probability 0.94, a pair with 0.3 with
probability 0.06, so an index finds near-copies without scanning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from qinglang.detection.normalise import normalise_text

PERMUTATIONS = 32
BANDS = 8
ROWS = PERMUTATIONS // BANDS
SHINGLE = 3
MIN_SHINGLES = 8  # below this, texts like "哈哈哈哈" collide with everything
_NOT_WORD = re.compile(r"[^\w]+")
_rng = np.random.default_rng(20261128)  # fixed: stored signatures must stay comparable
_A = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the character 3-grams of the normalised text (empty if too short),
    repeats included: they change no minimum."""
    letters = _NOT_WORD.sub("", normalise_text(text)).replace("_", "")
    if len(letters) < SHINGLE + MIN_SHINGLES - 1:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    # A polynomial over three code points (each < 2**21) is exact in 64 bits: no collisions.
    return (codes[:-2] << np.uint64(42)) | (codes[1:-1] << np.uint64(21)) | codes[2:]


def signature(text: str) -> np.ndarray | None:
    return signatures([text])[0]


def signatures(texts: Sequence[str]) -> list[np.ndarray | None]:
    """Each text's signature (None for a text too short to have one), hashed together: a
    submission batch costs a few array operations instead of a dozen per text."""
    shingled = [shingle_hashes(text) for text in texts]
    present = [n for n, shingles in enumerate(shingled) if shingles.size]
    out: list[np.ndarray | None] = [None] * len(texts)
    if not present:
        return out
    sizes = np.array([shingled[n].size for n in present])
    shingles = np.concatenate([shingled[n] for n in present])
    # Multiply-shift hashing: wrapping uint64 arithmetic is the intended modulus here.
    with np.errstate(over="ignore"):
        mixed = (shingles[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    minima = np.minimum.reduceat(mixed, starts, axis=0).astype(np.uint32)
    for row, n in enumerate(present):
        out[n] = minima[row]
    return out


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 63-bit key per band (fits a BIGINT on both engines)."""
    return band_keys_many([sig])[0]


def band_keys_many(sigs: Sequence[np.ndarray]) -> list[list[int]]:
    if not sigs:
        return []
    rows = np.stack(sigs).astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    keys = np.broadcast_to(np.arange(1, BANDS + 1, dtype=np.uint64), (len(sigs), BANDS))
    with np.errstate(over="ignore"):
        for column in range(ROWS):
            keys = (keys ^ rows[:, :, column]) * _BAND_MIX
    return (keys >> np.uint64(1)).tolist()


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)
