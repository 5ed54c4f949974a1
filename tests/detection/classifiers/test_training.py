"""Training end to end on synthetic data, and the CLI commands around it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest
import typer
from typer.testing import CliRunner

from qinglang.cli import models as cli_models
from qinglang.detection.classifiers.datasets import (
    CLASSIFIER_CATEGORIES,
    FALSE_INFO,
    INSULT,
    SOURCES,
    find_data_dir,
    load_source,
    load_task,
)
from qinglang.detection.classifiers.suite import ARRAYS_FILE, META_FILE, load_suite
from qinglang.detection.classifiers.training import train_all


def test_training_writes_loadable_artifacts(synthetic_weights: Path) -> None:
    assert (synthetic_weights / ARRAYS_FILE).is_file()
    assert (synthetic_weights / META_FILE).is_file()
    suite = load_suite(synthetic_weights)
    scores = suite.score("你这个傻逼滚出去", None, None)
    assert set(scores) == set(CLASSIFIER_CATEGORIES)


def test_trained_models_learn_the_signal(synthetic_weights: Path) -> None:
    suite = load_suite(synthetic_weights)
    insult = "illegal.insult_slander"
    assert suite.score("蠢货闭嘴吧垃圾", None, "zh")[insult] > suite.score("图书馆周末开放时间延长", None, "zh")[insult]
    assert (
        suite.score("you stupid idiot", None, "en")[insult]
        > suite.score("rain is expected over the weekend", None, "en")[insult]
    )
    fake = "illegal.false_information"
    assert (
        suite.score("miracle herb cures covid share now", None, "en")[fake]
        > suite.score("health ministry reports new case numbers", None, "en")[fake]
    )
    assert (
        suite.score("网传吃大蒜可以防病毒，赶紧转发", None, "zh")[fake]
        > suite.score("气象台发布明日天气预报：多云", None, "zh")[fake]
    )


def test_training_is_reproducible(synthetic_data: Path, synthetic_weights: Path, tmp_path: Path) -> None:
    train_all(synthetic_data, tmp_path, seed=0, floors=False, log=lambda _msg: None)
    with (
        np.load(synthetic_weights / ARRAYS_FILE, allow_pickle=False) as a,
        np.load(tmp_path / ARRAYS_FILE, allow_pickle=False) as b,
    ):
        assert sorted(a.files) == sorted(b.files)
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key])
    assert load_suite(tmp_path).versions == load_suite(synthetic_weights).versions


def test_test_split_never_repeats_training_texts(synthetic_data: Path) -> None:
    # Plant a training text in the test split: de-duplication must drop the test copy.
    path = synthetic_data / "cold" / "data.jsonl"
    original = path.read_bytes()
    try:
        path.write_bytes(
            original + b'{"id": "dup", "text": "\\u4f60\\u8fd9\\u4e2a\\u50bb'
            b'\\u903c\\u6eda\\u51fa\\u53bb 0", "label": "offensive", '
            b'"split": "test"}\n'
        )
        examples = load_task(synthetic_data, INSULT, "zh")
        train_texts = {ex.text for ex in examples if ex.split == "train"}
        test_texts = [ex.text for ex in examples if ex.split == "test"]
        assert not train_texts & set(test_texts)
        assert len(test_texts) == len(set(test_texts))
    finally:
        path.write_bytes(original)


def test_liar_clear_cut_grades_weigh_more(tmp_path: Path) -> None:
    rows = [
        ("a", "pants-fire", "false"),
        ("b", "barely-true", "false"),
        ("c", "half-true", "true"),
        ("d", "true", "true"),
    ]
    folder = tmp_path / "liar"
    folder.mkdir()
    (folder / "data.jsonl").write_bytes(
        b"".join(
            orjson.dumps({"id": i, "text": f"claim {i}", "label": grade, "label_binary": binary, "split": "train"})
            + b"\n"
            for i, grade, binary in rows
        )
    )
    liar = next(s for s in SOURCES[(FALSE_INFO, "en")] if s.folder == "liar")
    examples = {ex.text: ex for ex in load_source(tmp_path, liar)}
    assert [examples[f"claim {i}"].label for i, _, _ in rows] == [1, 1, 0, 0]
    assert examples["claim a"].weight > examples["claim b"].weight
    assert examples["claim d"].weight > examples["claim c"].weight


def test_find_data_dir_respects_explicit_folder(tmp_path: Path) -> None:
    assert find_data_dir(tmp_path) == tmp_path
    assert find_data_dir(tmp_path / "missing") is None


def _app() -> typer.Typer:
    app = typer.Typer()
    bench = typer.Typer()
    app.add_typer(bench, name="bench")
    cli_models.register(app, bench)
    return app


def test_cli_train_then_eval(synthetic_data: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    app = _app()
    out = tmp_path / "w"
    trained = runner.invoke(app, ["train", "--data", str(synthetic_data), "--out", str(out), "--no-floors"])
    assert trained.exit_code == 0, trained.output
    assert "thresholds" in trained.output
    evaluated = runner.invoke(app, ["eval", "--data", str(synthetic_data), "--weights", str(out)])
    assert evaluated.exit_code == 0, evaluated.output
    for needle in ("illegal.insult_slander", "bad.clickbait", "AUC", "0.7926", "cold"):
        assert needle in evaluated.output


def test_cli_reports_missing_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["eval", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "not found" in result.output


@pytest.mark.parametrize("missing", ["swsr", "liar"])
def test_training_refuses_incomplete_data(synthetic_data: Path, tmp_path: Path, missing: str) -> None:
    import shutil

    partial = tmp_path / "data"
    shutil.copytree(synthetic_data, partial)
    shutil.rmtree(partial / missing)
    with pytest.raises(FileNotFoundError):
        train_all(partial, tmp_path / "out", floors=False, log=lambda _msg: None)
