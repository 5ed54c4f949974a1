"""``qinglang detect`` (batch detection, format in TAXONOMY.md) and ``qinglang bench detect``.

Detection needs no database: these commands build a Detector and stream JSON Lines.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson
import typer

from qinglang.detection import bench as detection_bench
from qinglang.detection.cascade import Detector
from qinglang.detection.lexicon import Lexicon
from qinglang.detection.signals import Signals

KINDS = ("post", "reply", "message", "danmaku")
# Items are detected in chunks so repeated danmaku within a chunk count as flooding, while memory
# stays flat on inputs of any size.
CHUNK = 2_000


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.command("detect")(detect_command)
    bench.command("detect")(bench_detect_command)


def parse_line(raw: bytes) -> tuple[Any, dict[str, Any] | None, str | None]:
    """(id, item, error): exactly one of item and error is set."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return None, None, f"not JSON: {exc}"
    if not isinstance(data, dict):
        return None, None, "line is not a JSON object"
    item_id = data.get("id")
    if "id" not in data or item_id is None:
        return None, None, "missing id"
    if not isinstance(data.get("text"), str):
        return item_id, None, "text must be a string"
    for name in ("title", "lang"):
        if data.get(name) is not None and not isinstance(data[name], str):
            return item_id, None, f"{name} must be a string"
    kind = data.get("kind") or "post"
    if kind not in KINDS:
        return item_id, None, f"kind must be one of {', '.join(KINDS)}"
    item = {"text": data["text"], "title": data.get("title"), "lang": data.get("lang"),
            "kind": kind}  # fmt: skip
    return item_id, item, None


def detect_lines(detector: Detector, lines: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    """One output object per non-blank input line, in input order."""
    chunk: list[tuple[Any, dict[str, Any] | None, str | None]] = []
    for raw in lines:
        if not raw.strip():
            continue
        chunk.append(parse_line(raw))
        if len(chunk) >= CHUNK:
            yield from _run_chunk(detector, chunk)
            chunk = []
    if chunk:
        yield from _run_chunk(detector, chunk)


def _run_chunk(
    detector: Detector, chunk: list[tuple[Any, dict[str, Any] | None, str | None]]
) -> Iterator[dict[str, Any]]:
    items = [item for _, item, _ in chunk if item is not None]
    try:
        results: Iterator[Signals] = iter(detector.detect_batch(items))
    except Exception:  # fall back to one by one so a single bad item cannot sink the chunk
        results = iter(_one_by_one(detector, items))
    for item_id, item, error in chunk:
        if item is None:
            yield {"id": item_id, "error": error}
            continue
        signals = next(results)
        yield signals.to_json(item_id) if isinstance(signals, Signals) else {
            "id": item_id, "error": str(signals)
        }  # fmt: skip


def _one_by_one(detector: Detector, items: list[dict[str, Any]]) -> Iterator[Signals | str]:
    for item in items:
        try:
            yield detector.detect(item["text"], item["title"], item["lang"], item["kind"])
        except Exception as exc:
            yield f"detection failed: {type(exc).__name__}: {exc}"


@contextmanager
def _open_output(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as handle:
        yield handle


def build_detector(lexicon_files: list[Path] | None, with_seeds: bool) -> Detector:
    extra = [Lexicon.from_csv(path) for path in lexicon_files or ()]
    if with_seeds:
        from qinglang.detection.seeds import load_seed_lexicon

        seed = load_seed_lexicon()
        if seed is None:
            typer.echo("seed lexicons not found under ../shared/data; continuing without", err=True)
        else:
            extra.append(seed)
    return Detector(extra_lexicons=extra)


def detect_command(
    input_path: str = typer.Argument(..., metavar="INPUT.jsonl", help="JSON Lines, or - for stdin"),
    output: str = typer.Option("-", "-o", "--output", help="output JSON Lines, or - for stdout"),
    lexicon: list[Path] = typer.Option(
        None, "--lexicon", help="extra lexicon CSV (term,category,tier,variants); repeatable"
    ),
    with_seeds: bool = typer.Option(False, "--with-seeds", help="add ../shared/data seed lexicons as weak-tier terms"),
) -> None:
    """Detect prohibited and bad information in a JSON Lines batch (R7.1, R7.3, R8.2)."""
    try:
        handle: IO[bytes] = sys.stdin.buffer if input_path == "-" else open(input_path, "rb")  # noqa: SIM115
    except OSError as exc:
        typer.echo(f"cannot read {input_path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    try:
        detector = build_detector(lexicon, with_seeds)
        with _open_output(output) as out:
            for record in detect_lines(detector, handle):
                out.write(orjson.dumps(record) + b"\n")
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def bench_detect_command(
    items: int = typer.Option(20_000, help="synthetic ~140-character posts to time"),
    lexicon_size: int = typer.Option(100_000, help="terms in the big lexicon"),
    seed: int = typer.Option(7, help="random seed for the synthetic posts"),
    as_json: bool = typer.Option(False, "--json", help="print the figures as one JSON object"),
) -> None:
    """Items/s and p50/p99 per item on one core: lexicon stage vs raw ahocorasick-rs, cascade."""
    report = run_bench(items, lexicon_size, seed)
    if as_json:
        typer.echo(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
        return
    for line in report["lines"]:
        typer.echo(line)


# Submissions reach the gate in batches about this size (2 API processes, 32 requests in flight).
BATCH = 16


def run_bench(items: int, lexicon_size: int, seed: int) -> dict[str, Any]:
    pinned = detection_bench.pin_one_core()
    posts = detection_bench.synth_posts(items, seed=seed)
    big, source = detection_bench.big_lexicon(lexicon_size)
    # Timed in turns over the same posts, so that the ratios compare like with like.
    turns = detection_bench.time_interleaved(
        {
            "raw ahocorasick-rs": detection_bench.raw_matcher(big),
            "raw ahocorasick-rs over UTF-16": detection_bench.raw_utf16_matcher(big),
            "lexicon stage (normalise+match)": detection_bench.lexicon_stage(big),
            "lexicon stage, every hit mapped": lambda text: [hit.span for hit in big.match_text(text)],
        },
        posts,
    )
    raw, raw16, stage, mapped = turns.timings
    paired = turns.paired_ratio(stage.name, raw.name)
    paired16 = turns.paired_ratio(stage.name, raw16.name)
    cascade = Detector(extra_lexicons=[big])
    whole = detection_bench.time_each("whole cascade", cascade.detect, posts)
    batched = detection_bench.time_batches(
        f"cascade, batches of {BATCH} (p/batch)",
        lambda batch: cascade.detect_many(batch, [None] * len(batch), ["post"] * len(batch)), posts, BATCH)
    timings = [raw, raw16, stage, mapped, whole, batched]
    lines = [
        f"{items} synthetic posts, mean {sum(map(len, posts)) / len(posts):.0f} chars; {pinned}",
        f"lexicon: {source}; cascade models: {cascade.model_versions.get('classifiers', 'loaded')}",
        *(t.line() for t in timings),
        f"lexicon stage / raw ahocorasick-rs: {paired:.2f}x (median of {len(turns.blocks[raw.name])} chunks "
        f"timed in turns; ratio of totals {stage.items_per_s / raw.items_per_s:.2f}x; "
        f"every hit mapped: {mapped.items_per_s / raw.items_per_s:.2f}x)",
        f"lexicon stage / raw ahocorasick-rs over UTF-16: {paired16:.2f}x (the stage matches Chinese as "
        "UTF-16; this ratio is what normalisation and the checks cost beyond the matching itself)",
    ]
    py = detection_bench.pyahocorasick_matcher(big)
    if py is not None:
        matcher, build_s = py
        other = detection_bench.time_each("raw pyahocorasick (iter_long)", matcher, posts)
        timings.append(other)
        lines.append(other.line() + f"   build {build_s:.2f} s")
    return {
        "items": items,
        "lexicon": source,
        "timings": [t.__dict__ for t in timings],
        "stage_to_raw": paired,
        "stage_to_raw_totals": stage.items_per_s / raw.items_per_s,
        "stage_to_raw_utf16": paired16,
        "lines": lines,
    }
