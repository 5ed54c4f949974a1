"""Ordinary texts must not look like rumours or abuse: the extra negatives lent to three heads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from qinglang.detection.classifiers.datasets import (
    FALSE_INFO,
    INSULT,
    available,
    find_data_dir,
    load_ordinary_negatives,
    load_task,
)
from qinglang.detection.classifiers.suite import load_suite

POLICY = Path(__file__).resolve().parents[3] / "src" / "qinglang" / "policy" / "default.yaml"
# Share of COLD's harmless test comments the shipped model may score at the hold score. The
# model measured 0.2% (3,216 comments: one standard error ~0.08%); before it was taught with
# ordinary negatives it held 3.3%, and the hashed model before that 1.0%. 1% keeps room for
# retraining noise while catching a return to either of the earlier models.
MAX_HELD_SHARE = 0.01


def _hold_score() -> float:
    rules: list[dict[str, Any]] = yaml.safe_load(POLICY.read_text(encoding="utf-8"))["rules"]
    rule = next(r for r in rules if r.get("id") == "false-information-hold")
    return float(next(c["score"]["at_least"] for c in rule["when"]["all"] if "score" in c))


@pytest.mark.data
def test_harmless_cold_test_comments_are_rarely_held_as_false_information() -> None:
    data_dir = find_data_dir()
    if not available(data_dir):
        pytest.skip("../shared/data is absent: the false-positive check needs COLD")
    assert data_dir is not None
    texts = []
    with (data_dir / "cold" / "data.jsonl").open("rb") as handle:
        for line in handle:
            row = orjson.loads(line)
            if row["split"] == "test" and row["label"] == "safe":
                texts.append(row["text"])
    assert len(texts) > 1000
    suite = load_suite()
    hold = _hold_score()
    held = sum(suite.score(text, None, "zh")[FALSE_INFO] >= hold for text in texts)
    assert held / len(texts) < MAX_HELD_SHARE, f"{held} of {len(texts)} harmless comments at >= {hold}"


def test_ordinary_negatives_never_include_test_rows_or_task_texts(synthetic_data: Path) -> None:
    task = load_task(synthetic_data, FALSE_INFO, "zh")
    negatives = load_ordinary_negatives(synthetic_data, FALSE_INFO, "zh", task)
    rows = [ex for exs in negatives.values() for ex in exs]
    assert rows, "the synthetic COLD and SWSR sets hold harmless rows"
    assert {ex.split for ex in rows} <= {"train", "val"}
    assert all(ex.label == 0 for ex in rows)
    assert {ex.source for ex in rows} <= {"cold", "swsr"}
    task_texts = {ex.text for ex in task}
    assert not task_texts & {ex.text for ex in rows}
    # Only harmless rows are lent: no abusive comment becomes a "not false information" example.
    cold_offensive = {
        orjson.loads(line)["text"]
        for line in (synthetic_data / "cold" / "data.jsonl").read_bytes().splitlines()
        if orjson.loads(line)["label"] == "offensive"
    }
    assert not cold_offensive & {ex.text for ex in rows}


def test_trained_heads_record_their_ordinary_negatives(synthetic_weights: Path) -> None:
    meta = orjson.loads((synthetic_weights / "meta.json").read_bytes())
    lent = {(FALSE_INFO, "zh"): {"cold", "swsr"}, (FALSE_INFO, "en"): {"davidson-hate-en"},
            (INSULT, "en"): {"clickbait-chakraborty-en", "liar"}}  # fmt: skip
    for (category, lang), sources in lent.items():
        info = meta["heads"][category][lang]["ordinary_negatives"]
        assert info["train"] > 0 and info["val"] > 0, (category, lang)
        assert set(info["val_share_at_or_above"]) == {"0.85", "0.95"}
        assert {source for names in info["sources"].values() for source in names} == sources
    assert "ordinary_negatives" not in meta["heads"][INSULT]["zh"]
