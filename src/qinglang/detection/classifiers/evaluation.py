"""Metrics (numpy only), operating points, and the held-out evaluation behind ``qinglang eval``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from qinglang.detection.classifiers.datasets import (
    CLASSIFIER_CATEGORIES,
    LANGS,
    SOURCES,
    Example,
    load_task,
)
from qinglang.detection.classifiers.suite import Suite

# TF-IDF + logistic-regression floors quoted from each dataset's README in ../shared/data
# (macro-F1). "same_split" says whether the README measured it on the split we report on.
FLOORS: dict[str, tuple[float, bool, str]] = {
    "weibo21": (0.8999, True, "official train->test"),
    "checked": (0.9488, True, "official train->test, 11 fakes in test"),
    "cold": (0.7926, True, "official train->test"),
    "swsr": (0.7751, False, "5-fold GroupKFold by weibo_id; ours: one grouped 70/15/15 split"),
    "liar": (0.6147, True, "official train->test, binary"),
    "constraint-covid-en": (0.9247, True, "official train->test, URLs/@mentions stripped"),
    "davidson-hate-en": (0.7423, False, "5-fold CV, 3-way; ours: binary abusive vs neither"),
    "hancd-clickbait-zh": (0.5377, False, "sina->tencent, title only; ours: sina 60/20/20"),
    "clickbait-chakraborty-en": (0.9742, False, "5-fold CV, word TF-IDF; ours: 70/15/15"),
}

BLOCK_PRECISION = 0.9
REVIEW_PRECISION = 0.6
NEVER = 1.01


def roc_auc(y: np.ndarray, s: np.ndarray) -> float:
    """Area under the ROC curve via the rank-sum statistic, ties counted as half."""
    y = np.asarray(y, dtype=bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_s = np.asarray(s)[order]
    # Average ranks over runs of equal scores.
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    avg = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(avg, ends - starts)
    return float((ranks[y].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def precision_recall(y: np.ndarray, p: np.ndarray, threshold: float) -> tuple[float, float]:
    y = np.asarray(y, dtype=bool)
    flagged = np.asarray(p) >= threshold
    tp = int((flagged & y).sum())
    precision = tp / int(flagged.sum()) if flagged.any() else 0.0
    recall = tp / int(y.sum()) if y.any() else 0.0
    return precision, recall


def macro_f1(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> float:
    y = np.asarray(y, dtype=bool)
    pred = np.asarray(p) >= threshold
    scores = []
    for cls in (True, False):
        tp = int(((pred == cls) & (y == cls)).sum())
        prec = tp / int((pred == cls).sum()) if (pred == cls).any() else 0.0
        rec = tp / int((y == cls).sum()) if (y == cls).any() else 0.0
        scores.append(_f1(prec, rec))
    return float(np.mean(scores))


def _cumulative(
    y: np.ndarray, p: np.ndarray, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate thresholds (descending) with weighted precision, recall and count above each."""
    y = np.asarray(y, dtype=bool)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    order = np.argsort(-np.asarray(p), kind="mergesort")
    sorted_p = np.asarray(p)[order]
    hits = np.cumsum(w[order] * y[order])
    flagged = np.cumsum(w[order])
    precision = hits / flagged
    recall = hits / max(float((w * y).sum()), 1e-12)
    # Only cut between distinct scores: every item at the threshold is flagged together.
    last_of_run = np.r_[sorted_p[1:] != sorted_p[:-1], True]
    count = np.arange(1, len(y) + 1)
    keep = last_of_run
    return sorted_p[keep], precision[keep], recall[keep], count[keep]


def choose_threshold(
    y: np.ndarray,
    p: np.ndarray,
    min_precision: float,
    min_flagged: int = 10,
    weights: np.ndarray | None = None,
) -> float:
    """Lowest threshold (so highest recall) whose precision on ``y`` reaches ``min_precision``.

    ``min_flagged`` keeps a handful of lucky top scores from defining an operating point.
    Returns 1.01 (never fires) when no threshold qualifies.
    """
    if len(y) == 0:
        return NEVER
    thresholds, precision, _, count = _cumulative(y, p, weights)
    ok = (precision >= min_precision) & (count >= min_flagged)
    if not ok.any():
        return NEVER
    return float(thresholds[np.flatnonzero(ok)[-1]])


def best_f1_threshold(y: np.ndarray, p: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Threshold maximising the positive-class F1."""
    if len(y) == 0:
        return 0.5
    thresholds, precision, recall, _ = _cumulative(y, p, weights)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thresholds[int(np.argmax(f1))])


@dataclass(frozen=True)
class Row:
    category: str
    lang: str
    dataset: str
    n: int
    positives: int
    precision: float
    recall: float
    f1: float
    macro_f1: float
    auc: float
    review_precision: float
    review_recall: float
    floor: float | None
    floor_same_split: bool
    floor_note: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def score_examples(suite: Suite, examples: Sequence[Example], category: str, lang: str) -> np.ndarray:
    return np.array([suite.score(ex.text, ex.title, lang)[category] for ex in examples], dtype=np.float64)


def _row(category: str, lang: str, dataset: str, y: np.ndarray, p: np.ndarray, review: float) -> Row:
    precision, recall = precision_recall(y, p, 0.5)
    rev_p, rev_r = precision_recall(y, p, review)
    floor = FLOORS.get(dataset)
    return Row(
        category,
        lang,
        dataset,
        len(y),
        int(y.sum()),
        precision,
        recall,
        _f1(precision, recall),
        macro_f1(y, p),
        roc_auc(y, p),
        rev_p,
        rev_r,
        floor[0] if floor else None,
        floor[1] if floor else False,
        floor[2] if floor else "",
    )


def evaluate(suite: Suite, data_dir: Path, split: str = "test") -> list[Row]:
    """Score every held-back example through the shipped inference path."""
    rows = []
    for category in CLASSIFIER_CATEGORIES:
        review = suite.thresholds[category]["review"]
        for lang in LANGS:
            examples = [ex for ex in load_task(data_dir, category, lang) if ex.split == split]
            y = np.array([ex.label for ex in examples], dtype=bool)
            p = score_examples(suite, examples, category, lang)
            sources = [s.folder for s in SOURCES[(category, lang)]]
            for folder in sources:
                mask = np.array([ex.source == folder for ex in examples], dtype=bool)
                rows.append(_row(category, lang, folder, y[mask], p[mask], review))
            if len(sources) > 1:
                rows.append(_row(category, lang, "(pooled)", y, p, review))
    return rows


def format_table(rows: Sequence[Row]) -> str:
    head = (
        f"{'category':<26}{'lang':<5}{'dataset':<26}{'n':>6}{'pos':>6}{'P':>7}{'R':>7}"
        f"{'F1':>7}{'mF1':>7}{'AUC':>7}{'revP':>7}{'revR':>7}{'floor':>8}  vs floor"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        if r.floor is None:
            verdict, floor = "", "-"
        else:
            floor = f"{r.floor:.4f}"
            beat = "beats" if r.macro_f1 > r.floor else "BELOW"
            verdict = beat if r.floor_same_split else f"{beat} (different split: {r.floor_note})"
        lines.append(
            f"{r.category:<26}{r.lang:<5}{r.dataset:<26}{r.n:>6}{r.positives:>6}"
            f"{r.precision:>7.3f}{r.recall:>7.3f}{r.f1:>7.3f}{r.macro_f1:>7.3f}{r.auc:>7.3f}"
            f"{r.review_precision:>7.3f}{r.review_recall:>7.3f}{floor:>8}  {verdict}"
        )
    return "\n".join(lines)
