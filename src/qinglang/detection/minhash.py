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
    """64-bit hashes of the character 3-grams of the normalised text (empty if too short)."""
    letters = _NOT_WORD.sub("", normalise_text(text)).replace("_", "")
    if len(letters) < SHINGLE + MIN_SHINGLES - 1:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    # A polynomial over three code points (each < 2**21) is exact in 64 bits: no collisions.
    return np.unique((codes[:-2] << np.uint64(42)) | (codes[1:-1] << np.uint64(21)) | codes[2:])


def signature(text: str) -> np.ndarray | None:
    shingles = shingle_hashes(text)
    if shingles.size == 0:
        return None
    # Multiply-shift hashing: wrapping uint64 arithmetic is the intended modulus here.
    with np.errstate(over="ignore"):
        mixed = (shingles[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return mixed.min(axis=0).astype(np.uint32)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 63-bit key per band (fits a BIGINT on both engines)."""
    rows = sig.astype(np.uint64).reshape(BANDS, ROWS)
    keys = np.arange(1, BANDS + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(ROWS):
            keys = (keys ^ rows[:, column]) * _BAND_MIX
    return [int(key) for key in keys >> np.uint64(1)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)
