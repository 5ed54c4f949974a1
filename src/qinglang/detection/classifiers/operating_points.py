"""Operating points: the "block" and "review" thresholds of each category, on validation data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qinglang.detection.classifiers.datasets import CLASSIFIER_CATEGORIES, FALSE_INFO, LANGS
from qinglang.detection.classifiers.evaluation import (
    BLOCK_PRECISION,
    NEVER,
    REVIEW_PRECISION,
    best_f1_threshold,
    choose_threshold,
    precision_recall,
)

# Share of harmful items assumed when placing operating points (see ``operating_points``).
PREVALENCE = 0.1


@dataclass
class Head:
    """A category in one language: its sub-models' validation margins and their combiner."""

    inputs: list[str]
    combine: np.ndarray
    intercept: float
    val_margins: np.ndarray
    val_labels: np.ndarray

    def val_probs(self) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.val_margins @ self.combine + self.intercept)))


def _prevalence_weights(y: np.ndarray, prevalence: float | None) -> np.ndarray:
    """Per-item weights giving one language's validation set total weight 1 (and, if asked,
    a positive share of ``prevalence``)."""
    pos = max(int(y.sum()), 1)
    neg = max(int((~y.astype(bool)).sum()), 1)
    if prevalence is None:
        return np.full(len(y), 1.0 / max(len(y), 1))
    return np.where(y.astype(bool), prevalence / pos, (1.0 - prevalence) / neg)


def operating_points(fitted: dict[tuple[str, str], Head]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Operating points per category on validation data, both languages weighted equally.

    "block": highest recall at precision >= 0.9; "review": highest recall at precision >= 0.6.
    Precision is measured as if harmful items were 10% of what is scored (negatives reweighted):
    the validation sets are near 50/50, where a 0.6 precision is met by flagging almost
    everything and 0.9 by flagging items the model itself rates as probably harmless. The
    figures on the sets as they are stay in the notes.
    """
    chosen: dict[str, dict[str, float]] = {}
    notes: dict[str, dict[str, Any]] = {}
    for cat in CLASSIFIER_CATEGORIES:
        y = np.concatenate([fitted[(cat, lang)].val_labels for lang in LANGS])
        p = np.concatenate([fitted[(cat, lang)].val_probs() for lang in LANGS])
        w_raw = np.concatenate([_prevalence_weights(fitted[(cat, lang)].val_labels, None) for lang in LANGS])
        w = np.concatenate([_prevalence_weights(fitted[(cat, lang)].val_labels, PREVALENCE) for lang in LANGS])
        block = choose_threshold(y, p, BLOCK_PRECISION, weights=w)
        review = choose_threshold(y, p, REVIEW_PRECISION, weights=w)
        note: dict[str, Any] = {
            "prevalence_assumed": PREVALENCE,
            "val_items": len(y),
            "block_at_precision_0.9": block,
            "review_at_precision_0.6": review,
            "block_at_precision_0.9_on_val_as_is": choose_threshold(y, p, BLOCK_PRECISION, weights=w_raw),
            "review_at_precision_0.6_on_val_as_is": choose_threshold(y, p, REVIEW_PRECISION, weights=w_raw),
        }
        if block >= NEVER:
            note["block"] = "precision 0.9 unreachable on validation: never blocks"
        else:
            block = max(block, 0.5)
        if review >= NEVER:
            note["review"] = "precision 0.6 unreachable at 10% prevalence: review at the F1 best"
            review = best_f1_threshold(y, p, weights=w_raw)
        if cat == FALSE_INFO:
            # Style is not truth: a false-information score may queue a human review, never
            # block on its own, whatever precision the validation set suggests.
            note["block"] = "disabled by policy: false-information scores only route to review"
            block = NEVER
        review = min(review, block)
        for lang in LANGS:
            f = fitted[(cat, lang)]
            prec, rec = precision_recall(f.val_labels, f.val_probs(), block)
            rprec, rrec = precision_recall(f.val_labels, f.val_probs(), review)
            note[f"val_{lang}"] = {
                "block_precision": round(prec, 4),
                "block_recall": round(rec, 4),
                "review_precision": round(rprec, 4),
                "review_recall": round(rrec, 4),
            }
        chosen[cat] = {"block": round(block, 6), "review": round(review, 6)}
        notes[cat] = note
    return chosen, notes
