"""``qinglang detect`` and ``qinglang bench detect`` (TAXONOMY.md format; R7.1, R7.3, R8.2)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import typer
from typer.testing import CliRunner

from qinglang.cli import detection as detection_cli

INPUT = "\n".join(
    [
        '{"id": "a", "text": "周末约 炮吗", "kind": "reply"}',
        "this is not json",
        '{"text": "no id here"}',
        '{"id": 7, "text": 42}',
        '{"id": "k", "text": "ok", "kind": "tweet"}',
        "",
        '{"id": "b", "text": "今天天气很好", "title": "标题：免费看全集", "lang": "zh"}',
    ]
)


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    bench = typer.Typer()
    app.add_typer(bench, name="bench")
    detection_cli.register(app, bench)
    return app


def run(app: typer.Typer, args: list[str], stdin: str | None = None):  # noqa: ANN201
    return CliRunner().invoke(app, args, input=stdin)


def test_detect_writes_one_line_per_input_line_and_keeps_going(app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(INPUT, encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run(app, ["detect", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in target.read_bytes().splitlines()]
    assert [row["id"] for row in rows] == ["a", None, None, 7, "k", "b"]
    assert [("error" in row) for row in rows] == [False, True, True, True, True, False]
    first = rows[0]
    assert set(first) == {"id", "scores", "flags", "evidence", "model_versions"}
    assert first["flags"] == ["illegal.pornography"]
    [span] = first["evidence"]
    assert "周末约 炮吗"[span["start"] : span["end"]] == "约 炮" and span["source"] == "lexicon"
    assert any(span.get("field") == "title" for span in rows[-1]["evidence"])


def test_detect_reads_stdin_and_writes_stdout(app: typer.Typer) -> None:
    result = run(app, ["detect", "-"], stdin='{"id": 1, "text": "加微信领红包"}\n')
    assert result.exit_code == 0
    [line] = [row for row in result.stdout.splitlines() if row.startswith("{")]
    assert "platform.spam" in orjson.loads(line)["flags"]


def test_unreadable_input_exits_non_zero(app: typer.Typer, tmp_path: Path) -> None:
    assert run(app, ["detect", str(tmp_path / "missing.jsonl")]).exit_code != 0
    assert run(app, ["detect", str(tmp_path)]).exit_code != 0  # a directory


def test_non_utf8_line_is_an_error_line_not_a_crash(app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": 1, "text": "\xff\xfe"}\n{"id": 2, "text": "ok"}\n')
    target = tmp_path / "out.jsonl"
    assert run(app, ["detect", str(source), "-o", str(target)]).exit_code == 0
    rows = [orjson.loads(line) for line in target.read_bytes().splitlines()]
    assert "error" in rows[0] and rows[1]["id"] == 2 and "scores" in rows[1]


def test_bench_reports_throughput_and_the_ratio(app: typer.Typer) -> None:
    result = run(app, ["bench", "detect", "--items", "300", "--lexicon-size", "3000"])
    assert result.exit_code == 0, result.output
    assert "items/s" in result.output and "p99" in result.output
    assert "lexicon stage / raw ahocorasick-rs" in result.output


def test_bench_json_gives_the_ratio_both_ways(app: typer.Typer) -> None:
    result = run(app, ["bench", "detect", "--items", "600", "--lexicon-size", "3000", "--json"])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout[result.stdout.index("{") :])
    names = [t["name"] for t in report["timings"]]
    assert names[:4] == [
        "raw ahocorasick-rs", "raw ahocorasick-rs over UTF-16", "lexicon stage (normalise+match)",
        "lexicon stage, every hit mapped",
    ]
    batched = next(t for t in report["timings"] if t["name"].startswith("cascade, batches of"))
    assert batched["items"] == 600 and batched["items_per_s"] > 0 and batched["p99_ms"] >= batched["p50_ms"]
    # normalising costs something, so the stage cannot outrun raw matching of the same texts in
    # the same encoding (against the str API it gains UTF-16's shorter Chinese text)
    assert 0 < report["stage_to_raw_utf16"] < 1.2
    assert 0 < report["stage_to_raw"] < 2 and 0 < report["stage_to_raw_totals"] < 2
