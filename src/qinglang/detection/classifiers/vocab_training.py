"""Fitting the exact n-gram models of ``exact_ngrams`` (scikit-learn, training time only).

Per training source: a vocabulary of the n-grams in at least ``MIN_DF`` training texts, IDF,
optionally naive-Bayes log-count-ratio scaling (NB-LR), and an L2 logistic regression. Whether
to scale and how strongly to regularise are chosen together on the source's validation split
(ROC-AUC of the float16 weights as shipped). The chosen setting is then refitted on train +
validation, a third more data for weibo21; the head's combiner and the operating points still
need scores on validation items that their model did not see, so those come from cross-fitting
(each fifth of the validation split scored by a model fitted on train and the other four fifths).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qinglang.detection.classifiers.evaluation import roc_auc
from qinglang.detection.classifiers.exact_ngrams import Blocks, VocabModel, known

# Chosen by 5-fold CV on weibo21 train + val: df >= 3 lost 0.0015 AUC, df >= 1 quadrupled the
# vocabulary for 0.001.
MIN_DF = 2
# Features carry the IDF (up to ~10), so useful strengths run from LIAR's ~0.003 to ~100.
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
CROSS_FOLDS = 5
PATIENCE = 2
NB_SMOOTHING = 1.0


@dataclass(frozen=True)
class Setting:
    c: float
    naive_bayes: bool


@dataclass(frozen=True)
class Vocabulary:
    keys: tuple[np.ndarray, ...]
    idf: tuple[np.ndarray, ...]

    @property
    def offsets(self) -> np.ndarray:
        return np.cumsum([0, *(k.size for k in self.keys)])


@dataclass
class FittedSource:
    model: VocabModel
    setting: Setting
    val_auc: float
    # Cross-fitted margins of the source's own validation items, in their order.
    val_margins: np.ndarray

    def meta(self) -> dict[str, Any]:
        return {
            "name": self.model.name,
            "bias": self.model.bias,
            "C": self.setting.c,
            "naive_bayes": self.setting.naive_bayes,
            "val_auc": round(self.val_auc, 4),
        }


def build_vocabulary(docs: Sequence[Blocks]) -> Vocabulary:
    n_blocks = len(docs[0]) if docs else 0
    keys, idf = [], []
    for b in range(n_blocks):
        unique, df = np.unique(np.concatenate([doc[b][0] for doc in docs]), return_counts=True)
        keep = df >= MIN_DF
        keys.append(unique[keep])
        idf.append((np.log((1.0 + len(docs)) / (1.0 + df[keep])) + 1.0).astype(np.float64))
    return Vocabulary(tuple(keys), tuple(idf))


def unit_tf_matrix(docs: Sequence[Blocks], vocab: Vocabulary) -> Any:
    """Rows: each block's known n-grams' sublinear TF, scaled to unit length (as at inference)."""
    from scipy import sparse

    offsets = vocab.offsets
    indptr = [0]
    indices: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for doc in docs:
        row_len = 0
        for b, (keys, tf) in enumerate(doc):
            hit, pos = known(keys, vocab.keys[b])
            if pos.size:
                vals = tf[hit].astype(np.float64)
                indices.append(pos + offsets[b])
                values.append(vals / np.sqrt(vals @ vals))
                row_len += pos.size
        indptr.append(indptr[-1] + row_len)
    return sparse.csr_matrix(
        (
            np.concatenate([np.zeros(0), *values]),
            np.concatenate([np.zeros(0, np.intp), *indices]),
            np.array(indptr),
        ),
        shape=(len(docs), int(offsets[-1])),
    )


def nb_ratio(x: Any, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Log of how much likelier each n-gram is in positive than in negative texts (smoothed)."""
    present = (x > 0).astype(np.float64)
    pos = np.asarray(present.T @ (weight * (y == 1))).ravel() + NB_SMOOTHING
    neg = np.asarray(present.T @ (weight * (y == 0))).ravel() + NB_SMOOTHING
    return np.log(pos / pos.sum()) - np.log(neg / neg.sum())


class _Design:
    """A vocabulary and its training matrix, refitted under any setting.

    The first ``own`` documents are the source's own (all when None), the rest extra texts.
    The vocabulary comes from the source's own texts: only n-grams it knows can move a score,
    so the extra texts need no keys of their own (adding theirs nearly doubled weibo21's keys
    and cost 0.01 validation AUC). They do count in the naive-Bayes ratios, at their weight.
    """

    def __init__(self, docs: Sequence[Blocks], y: np.ndarray, weight: np.ndarray, own: int | None = None) -> None:
        self.vocab = build_vocabulary(docs[: len(docs) if own is None else own])
        self.x = unit_tf_matrix(docs, self.vocab)
        self.y, self.weight = y, weight
        self.idf = np.concatenate([np.zeros(0), *self.vocab.idf])
        self._ratio: np.ndarray | None = None

    def scale(self, setting: Setting) -> np.ndarray:
        if not setting.naive_bayes:
            return self.idf
        if self._ratio is None:
            self._ratio = nb_ratio(self.x, self.y, self.weight)
        return self.idf * self._ratio

    def fit(self, setting: Setting, name: str, seed: int) -> VocabModel:
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        scale = self.scale(setting)
        model = LogisticRegression(
            C=setting.c, solver="liblinear", intercept_scaling=10.0, random_state=seed, max_iter=5000
        )
        model.fit(self.x @ sparse.diags(scale), self.y, sample_weight=self.weight)
        # Fold IDF and NB ratio into one weight per key: inference needs only unit TF.
        folded = (model.coef_[0] * scale).astype(np.float16).astype(np.float32)
        offsets = self.vocab.offsets
        blocks = tuple(folded[offsets[b] : offsets[b + 1]] for b in range(len(self.vocab.keys)))
        return VocabModel(name, self.vocab.keys, blocks, float(model.intercept_[0]))


def margins(model: VocabModel, docs: Sequence[Blocks]) -> np.ndarray:
    return np.array([model.margin(doc) for doc in docs], dtype=np.float64)


def _arrays(labels: Sequence[int], weights: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(labels, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def fit_source(
    name: str,
    train: tuple[Sequence[Blocks], Sequence[int], Sequence[float]],
    val: tuple[Sequence[Blocks], Sequence[int], Sequence[float]],
    seed: int,
    extra: tuple[Sequence[Blocks], Sequence[int], Sequence[float]] | None = None,
) -> FittedSource:
    """Choose the setting on validation, refit on train + val, cross-fit validation margins.

    ``train`` and ``val`` are (blocks, labels, sample weights) of one source. ``extra``: texts
    from elsewhere (train rows of other sets) that every fit also trains on; the setting is
    still chosen on the source's own validation split.
    """
    tr_docs, tr_y, tr_w = train[0], *_arrays(train[1], train[2])
    va_docs, va_y, va_w = val[0], *_arrays(val[1], val[2])
    ex_docs, ex_y, ex_w = list(extra[0]) if extra else [], *_arrays(*(extra[1:] if extra else ([], [])))
    design = _Design([*tr_docs, *ex_docs], np.r_[tr_y, ex_y], np.r_[tr_w, ex_w], len(tr_docs))
    best: tuple[float, Setting] | None = None
    # Ties keep the first: plain LR before NB, stronger regularisation before weaker.
    for naive_bayes in (False, True):
        peak, worse = -1.0, 0
        for c in C_GRID:
            setting = Setting(c, naive_bayes)
            auc = roc_auc(va_y, margins(design.fit(setting, name, seed), va_docs))
            if best is None or auc > best[0] + 1e-4:
                best = (auc, setting)
            # Validation AUC rises then falls with C: two strengths in a row below the best so
            # far end the scan, which skips the weakly regularised fits, the slowest to converge.
            worse = worse + 1 if auc < peak else 0
            peak = max(peak, auc)
            if worse == PATIENCE:
                break
    assert best is not None
    val_auc, setting = best

    def design_with(rows: np.ndarray) -> _Design:
        """The source's train rows and the given validation rows, then the extra texts."""
        own = [*tr_docs, *(va_docs[i] for i in rows)]
        y, w = np.r_[tr_y, va_y[rows], ex_y], np.r_[tr_w, va_w[rows], ex_w]
        return _Design([*own, *ex_docs], y, w, len(own))

    final = design_with(np.arange(len(va_docs))).fit(setting, name, seed)
    fold = np.random.default_rng(seed).permutation(len(va_docs)) % CROSS_FOLDS
    crossed = np.zeros(len(va_docs), dtype=np.float64)
    for k in range(CROSS_FOLDS):
        held = np.flatnonzero(fold == k)
        if held.size == 0:
            continue
        model_k = design_with(np.flatnonzero(fold != k)).fit(setting, name, seed)
        crossed[held] = margins(model_k, [va_docs[i] for i in held])
    return FittedSource(final, setting, val_auc, crossed)
