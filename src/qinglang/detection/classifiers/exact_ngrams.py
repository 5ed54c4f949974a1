"""Linear models over exact n-gram keys: the false-information sub-models (numpy only).

The hashed features in ``features.py`` fold ~650,000 distinct weibo21 character n-grams into
2**18 buckets shared by every model of a language. A rumour is told from a report by many
rare n-grams whose weights those collisions blur, and naive-Bayes feature scaling gained
nothing until collisions were gone (weibo21, 5-fold CV on train + val: AUC 0.959 hashed,
0.960 hashed with NB, 0.965 exact with NB). A vocabulary model therefore keeps the n-grams
seen in at least two of its training texts, each under a 32-bit key, with one float16 weight
per key into which the IDF and the naive-Bayes log-count ratio were folded at training time.
At ~170,000 keys a handful of key pairs coincide (they then share a weight, in training as in
inference) and an unseen n-gram hits a known key with odds ~1 in 25,000.

A text is read in blocks (character n-grams; for English also word n-grams), each scaled to
unit length over the n-grams the model knows, so that a long text full of unknown n-grams is
not diluted towards zero.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qinglang.detection.classifiers.features import ORDER_SALTS, ngram_hashes64, ngram_hashes_of

_WORD = re.compile(r"\w+")
_KEY_SHIFT = np.uint64(32)
# Salts for word n-grams, apart from those of character n-grams of the same order.
_WORD_SALTS = tuple(np.uint64(int(salt) ^ 0x5BD1E9955BD1E995) for salt in ORDER_SALTS)

# One (keys, sublinear term frequency) pair per block, keys sorted and unique.
Blocks = tuple[tuple[np.ndarray, np.ndarray], ...]


@dataclass(frozen=True)
class KeySpec:
    """Which n-grams a language's vocabulary models read."""

    char_orders: tuple[int, ...]
    word_orders: tuple[int, ...] = ()
    max_chars: int = 1000

    @property
    def block_names(self) -> tuple[str, ...]:
        return ("char", "word") if self.word_orders else ("char",)

    def to_json(self) -> dict[str, object]:
        return {
            "char_orders": list(self.char_orders),
            "word_orders": list(self.word_orders),
            "max_chars": self.max_chars,
        }

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> KeySpec:
        chars, words = raw["char_orders"], raw["word_orders"]
        assert isinstance(chars, list) and isinstance(words, list)
        return cls(tuple(int(n) for n in chars), tuple(int(n) for n in words), int(raw["max_chars"]))


def char_keys(hashes: np.ndarray) -> np.ndarray:
    """32-bit keys of character n-grams from their 64-bit hashes (``ngram_hashes64``)."""
    return (hashes >> _KEY_SHIFT).astype(np.uint32)


def word_keys(text: str, orders: tuple[int, ...], max_chars: int) -> np.ndarray:
    """32-bit keys of the word n-grams of a normalised text, with repeats."""
    words = _WORD.findall(text[:max_chars])
    if not words:
        return np.zeros(0, dtype=np.uint32)
    base = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    return char_keys(ngram_hashes_of(base, orders, _WORD_SALTS))


def _counted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unique, counts = np.unique(keys, return_counts=True)
    return unique, (1.0 + np.log(counts)).astype(np.float32)


def text_blocks(text: str, spec: KeySpec, hashes: np.ndarray | None = None) -> Blocks:
    """The blocks of a normalised text. ``hashes``: its ``ngram_hashes64`` if already computed."""
    if hashes is None:
        hashes = ngram_hashes64(text, spec.char_orders, spec.max_chars)
    blocks = [_counted(char_keys(hashes))]
    if spec.word_orders:
        blocks.append(_counted(word_keys(text, spec.word_orders, spec.max_chars)))
    return tuple(blocks)


def known(keys: np.ndarray, vocabulary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of ``keys`` in the sorted ``vocabulary``, their positions there)."""
    if vocabulary.size == 0:
        return np.zeros(keys.shape[0], dtype=bool), np.zeros(0, dtype=np.intp)
    pos = np.minimum(np.searchsorted(vocabulary, keys), vocabulary.size - 1)
    hit = vocabulary[pos] == keys
    return hit, pos[hit]


@dataclass(frozen=True)
class VocabModel:
    """w.x + bias, x being each block's known n-grams' sublinear TF scaled to unit length."""

    name: str
    keys: tuple[np.ndarray, ...]
    weights: tuple[np.ndarray, ...]
    bias: float

    def margin(self, blocks: Blocks) -> float:
        total = self.bias
        for (keys, tf), vocabulary, weights in zip(blocks, self.keys, self.weights, strict=True):
            hit, pos = known(keys, vocabulary)
            if pos.size:
                vals = tf[hit]
                total += float(weights[pos] @ vals) / float(np.sqrt(vals @ vals))
        return total


def pack(models: Sequence[VocabModel]) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """All models' keys and float16 weights end to end, plus each block's length.

    Keys are stored as the gaps between sorted keys, split into four byte planes: the gaps
    need ~15 of their 32 bits, so the high planes are nearly constant and deflate to little
    (the compressed keys shrink by ~40%).
    """
    gaps = [np.diff(k.astype(np.uint32), prepend=np.uint32(0)) for m in models for k in m.keys]
    flat = np.concatenate([np.zeros(0, np.uint32), *gaps]).astype(np.uint32)
    planes = np.stack([((flat >> np.uint32(8 * i)) & np.uint32(0xFF)).astype(np.uint8) for i in range(4)])
    weights = [w for m in models for w in m.weights]
    sizes = [[int(k.size) for k in m.keys] for m in models]
    return planes, np.concatenate([np.zeros(0, np.float16), *weights]).astype(np.float16), sizes


def unpack(planes: np.ndarray, weights: np.ndarray, entries: Sequence[dict[str, object]]) -> list[VocabModel]:
    """Inverse of :func:`pack`, given each model's meta entry (name, bias, block sizes)."""
    gaps = np.zeros(planes.shape[1], dtype=np.uint64)
    for i in range(4):
        gaps |= planes[i].astype(np.uint64) << np.uint64(8 * i)
    out = []
    start = 0
    for entry in entries:
        sizes = entry["sizes"]
        assert isinstance(sizes, list)
        model_keys, model_weights = [], []
        for size in sizes:
            end = start + int(size)
            model_keys.append(np.cumsum(gaps[start:end]).astype(np.uint32))
            model_weights.append(weights[start:end].astype(np.float32))
            start = end
        bias = entry["bias"]
        assert isinstance(bias, float | int)
        out.append(VocabModel(str(entry["name"]), tuple(model_keys), tuple(model_weights), float(bias)))
    if start != gaps.size or start != weights.size:
        raise ValueError("vocabulary arrays do not match their metadata: run `qinglang train`")
    return out
