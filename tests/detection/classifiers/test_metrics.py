"""Metrics and operating points: checked against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from qinglang.detection.classifiers.evaluation import (
    NEVER,
    best_f1_threshold,
    choose_threshold,
    macro_f1,
    precision_recall,
    roc_auc,
)
from qinglang.detection.classifiers.features import (
    HashSpec,
    detect_lang,
    ngram_hashes,
    normalise,
    sparse_features,
)


def test_roc_auc_matches_pair_counting() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200).astype(bool)
    s = np.round(rng.random(200) + y * 0.3, 1)  # rounding makes ties
    pairs = [(a > b) + 0.5 * (a == b) for a in s[y] for b in s[~y]]
    assert roc_auc(y, s) == pytest.approx(float(np.mean(pairs)))


def test_roc_auc_extremes() -> None:
    y = np.array([0, 0, 1, 1], dtype=bool)
    assert roc_auc(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert roc_auc(y, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert np.isnan(roc_auc(np.ones(3, dtype=bool), np.ones(3)))


def test_macro_f1_and_precision_recall() -> None:
    y = np.array([1, 1, 0, 0], dtype=bool)
    p = np.array([0.9, 0.4, 0.6, 0.1])
    assert precision_recall(y, p, 0.5) == (0.5, 0.5)
    assert macro_f1(y, p) == pytest.approx(0.5)


def test_choose_threshold_takes_the_highest_recall_at_target_precision() -> None:
    y = np.array([1] * 10 + [0] + [1] * 10 + [0] * 10, dtype=bool)
    p = np.linspace(1.0, 0.0, len(y))
    t = choose_threshold(y, p, 0.9, min_flagged=5)
    flagged = p >= t
    assert (y & flagged).sum() / flagged.sum() >= 0.9
    # All 20 positives, then as many negatives as 0.9 allows: 20/22 passes, 20/23 does not.
    assert flagged.sum() == 22


def test_choose_threshold_never_when_unreachable() -> None:
    y = np.array([0, 1] * 20, dtype=bool)
    assert choose_threshold(y, np.full(40, 0.5), 0.9) == NEVER


def test_best_f1_threshold_separates_clean_data() -> None:
    y = np.array([0] * 5 + [1] * 5, dtype=bool)
    p = np.array([0.1, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95])
    assert best_f1_threshold(y, p) == 0.6


def test_hashing_is_stable_and_bounded() -> None:
    spec = HashSpec((1, 2, 3), 18)
    text = "今天天气不错 hello"
    a = ngram_hashes(text, spec)
    assert np.array_equal(a, ngram_hashes(text, spec))
    assert a.min() >= 0 and a.max() < 1 << 18
    padded = len(text) + 2  # a space either side marks word edges
    assert len(a) == padded + (padded - 1) + (padded - 2)
    assert ngram_hashes("", HashSpec((2, 3, 4, 5), 18)).size == 1  # just the padded space pair


def test_sparse_features_are_unit_length() -> None:
    idx, vals = sparse_features("abuse abuse abuse", HashSpec((2, 3), 16))
    assert len(np.unique(idx)) == len(idx)
    assert float(vals @ vals) == pytest.approx(1.0, rel=1e-5)


def test_normalise_drops_shortcuts() -> None:
    text = "RT @someone: Check THIS https://t.co/xyz 2021年 網路"
    out = normalise(text)
    assert "http" not in out and "someone" not in out and "rt " not in out
    assert "this" in out and "0000年" in out and "网路" in out


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        ("这是一条中文微博", None, "zh"),
        ("This is English", None, "en"),
        ("This is English", "zh-CN", "zh"),
        ("这是中文", "en", "en"),
        ("iPhone 15 发布会今天举行", None, "zh"),
    ],
)
def test_detect_lang(text: str, declared: str | None, expected: str) -> None:
    assert detect_lang(text, declared) == expected
