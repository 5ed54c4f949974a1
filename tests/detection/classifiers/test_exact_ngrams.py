"""Exact n-gram vocabulary models: keys, scoring, storage and fitting (no data sets needed)."""

from __future__ import annotations

import numpy as np
import pytest

from qinglang.detection.classifiers.exact_ngrams import (
    KeySpec,
    VocabModel,
    pack,
    text_blocks,
    unpack,
    word_keys,
)
from qinglang.detection.classifiers.vocab_training import fit_source

EN = KeySpec((2, 3), (1, 2))


def _model_knowing(text: str, spec: KeySpec, weight: float = 1.0, bias: float = 0.0) -> VocabModel:
    blocks = text_blocks(text, spec)
    return VocabModel(
        "m", tuple(k for k, _ in blocks), tuple(np.full(k.size, weight, np.float32) for k, _ in blocks), bias
    )


def test_word_keys_follow_word_order() -> None:
    a = word_keys("vaccines cause autism", (1, 2), 1000)
    b = word_keys("autism cause vaccines", (1, 2), 1000)
    assert a.dtype == np.uint32 and a.size == 3 + 2
    assert set(a[:3]) == set(b[:3])  # same words
    assert not set(a[3:]) & set(b[3:])  # different bigrams


def test_unknown_ngrams_do_not_dilute_the_score() -> None:
    model = _model_knowing("miracle cure", EN)
    alone = model.margin(text_blocks("miracle cure", EN))
    padded = model.margin(text_blocks("miracle cure " + "zqxj wvkp " * 50, EN))
    assert alone == pytest.approx(padded, rel=1e-5)
    assert model.margin(text_blocks("qqqq", EN)) == 0.0  # nothing known: the bias alone


def test_pack_round_trip_scores_the_same() -> None:
    spec = KeySpec((1, 2, 3))
    rng = np.random.default_rng(0)
    models = []
    for name, text in (("a", "网传喝醋能治愈新冠"), ("b", "市卫健委通报新增病例")):
        blocks = text_blocks(text, spec)
        weights = tuple(rng.normal(size=k.size).astype(np.float16).astype(np.float32) for k, _ in blocks)
        models.append(VocabModel(name, tuple(k for k, _ in blocks), weights, float(rng.normal())))
    planes, weights, sizes = pack(models)
    assert planes.dtype == np.uint8 and weights.dtype == np.float16
    restored = unpack(
        planes, weights, [{"name": m.name, "bias": m.bias, "sizes": s} for m, s in zip(models, sizes, strict=True)]
    )
    for before, after in zip(models, restored, strict=True):
        for k1, k2 in zip(before.keys, after.keys, strict=True):
            np.testing.assert_array_equal(k1, k2)
        probe = text_blocks("网传喝醋能治愈新冠，市卫健委辟谣", spec)
        assert after.margin(probe) == pytest.approx(before.margin(probe), rel=1e-6)


def test_unpack_refuses_metadata_that_does_not_match() -> None:
    model = _model_knowing("abc def", EN)
    planes, weights, sizes = pack([model])
    wrong = [sizes[0][0] - 1, sizes[0][1]]
    with pytest.raises(ValueError, match="qinglang train"):
        unpack(planes, weights, [{"name": "m", "bias": 0.0, "sizes": wrong}])


def _docs(texts: list[str]) -> list:
    return [text_blocks(t, EN) for t in texts]


def test_fit_source_learns_refits_and_cross_fits() -> None:
    fake = ["miracle herb cures the virus share now", "they hide the cure share before deleted"]
    real = ["ministry reports new case numbers today", "officials publish weekly vaccination figures"]
    tags = [f"item{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(60)]
    texts = [f"{(fake if i % 2 == 0 else real)[i % 4 // 2]} {tags[i]}" for i in range(60)]
    labels = [1 if i % 2 == 0 else 0 for i in range(60)]
    weights = [1.0] * 60
    train = (_docs(texts[:40]), labels[:40], weights[:40])
    val = (_docs(texts[40:]), labels[40:], weights[40:])
    fitted = fit_source("demo", train, val, seed=0)
    assert fitted.val_auc == 1.0
    assert fitted.val_margins.shape == (20,)
    # Cross-fitted validation margins still separate the classes...
    y_val = np.array(labels[40:], dtype=bool)
    assert fitted.val_margins[y_val].min() > fitted.val_margins[~y_val].max()
    # ...and the final model, refitted on train + val, scores unseen wording the right way.
    probe_fake = fitted.model.margin(text_blocks("the miracle herb cures it share now", EN))
    probe_real = fitted.model.margin(text_blocks("the ministry reports figures today", EN))
    assert probe_fake > probe_real
