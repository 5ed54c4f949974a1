"""Held-out figures of the shipped models against the TF-IDF floors (needs ../shared/data)."""

from __future__ import annotations

import pytest

from qinglang.detection.classifiers.datasets import available, find_data_dir
from qinglang.detection.classifiers.evaluation import FLOORS, Row, evaluate
from qinglang.detection.classifiers.suite import load_suite

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    data_dir = find_data_dir()
    if not available(data_dir):
        pytest.skip("../shared/data is absent: held-out evaluation needs the public data sets")
    assert data_dir is not None
    return evaluate(load_suite(), data_dir)


def _row(rows: list[Row], dataset: str) -> Row:
    return next(r for r in rows if r.dataset == dataset)


@pytest.mark.parametrize("dataset", sorted(FLOORS))
def test_beats_floor(rows: list[Row], dataset: str) -> None:
    # Our test splits are de-duplicated against train and val (weibo21 loses 202 items), so
    # they are harder than the README's; the floor is still to be beaten.
    row = _row(rows, dataset)
    floor = FLOORS[dataset][0]
    assert row.macro_f1 > floor, f"{dataset}: macro-F1 {row.macro_f1:.4f} <= floor {floor}"


def test_every_head_ranks_well_above_chance(rows: list[Row]) -> None:
    for row in rows:
        if row.dataset == "liar":
            assert row.auc > 0.6
        elif row.positives and row.positives < row.n:
            assert row.auc > 0.8, row
