"""``qinglang rumors``: the debunk bank (R9.7): import, export, sweep, evaluation; and the
``bench claims`` / ``bench sweep`` benchmarks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

rumors_app = typer.Typer(help="The debunk bank, sweeps and matching quality.", no_args_is_help=True)
DEFAULT_DATA = Path("../shared/data/zh-debunk-covid/data.jsonl")


def _read(path: Path, fmt: str) -> list:
    from qinglang.rumors import interchange

    if fmt == "csv":
        return interchange.from_csv(path.read_text(encoding="utf-8"))
    if fmt == "dataset":
        return interchange.from_debunk_dataset(path)
    return interchange.from_claim_review(json.loads(path.read_text(encoding="utf-8")))


@rumors_app.command("import")
def import_claims(
    path: Path,
    fmt: Annotated[str, typer.Option("--format", help="claimreview, csv or dataset (zh-debunk-covid jsonl).")]
    = "claimreview",
    sweep: Annotated[bool, typer.Option(help="Sweep stored content for each new claim (after commit).")] = True,
) -> None:
    """Import claims; rows whose external ID is known update the claim."""
    from qinglang.db import transaction
    from qinglang.rumors import service
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    rows = _read(path, fmt)
    runtime = build_runtime(get_settings())
    try:
        with transaction(runtime.sessions) as session:
            created = sum(service.upsert(session, row, actor_id=None, sweep=sweep)[1] for row in rows)
    finally:
        runtime.close()
    typer.echo(f"{len(rows)} claims read: {created} new, {len(rows) - created} updated")


@rumors_app.command("export")
def export_claims(fmt: Annotated[str, typer.Option("--format", help="claimreview or csv.")] = "claimreview") -> None:
    """Print the whole bank as ClaimReview JSON-LD or CSV."""
    from qinglang.db import make_engine, make_sessionmaker
    from qinglang.rumors import interchange, service
    from qinglang.settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            claims, after = [], 0
            while batch := service.claims(session, after=after, limit=5000):
                claims += batch
                after = batch[-1].id
            typer.echo(interchange.to_csv(claims) if fmt == "csv"
                       else json.dumps(interchange.data_feed(claims), ensure_ascii=False, indent=1))
    finally:
        engine.dispose()


@rumors_app.command("sweep")
def sweep(claim_id: int, batch: Annotated[int, typer.Option(min=1, max=5000)] = 500) -> None:
    """Find stored content that says a claim and dispose of it by the policy, with progress."""
    from qinglang.db import transaction
    from qinglang.rumors import tasks
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    runtime = build_runtime(get_settings())
    bar = None
    try:
        with transaction(runtime.sessions) as session:
            def start(total: int) -> None:
                nonlocal bar
                bar = typer.progressbar(length=total, label=f"sweeping claim {claim_id}", show_pos=True)
                bar.__enter__()

            summary = tasks.sweep(session, runtime.settings, runtime.gate, claim_id, batch=batch,
                                  on_candidates=start, progress=lambda n: bar.update(n) if bar else None)
            if bar is not None:
                bar.__exit__(None, None, None)
    finally:
        runtime.close()
    typer.echo(f"claim {claim_id}: {summary.candidates} candidates, {summary.matched} matched, "
               f"{summary.labelled} labelled, {summary.limited} limited, {summary.removed} removed, "
               f"{summary.held} held")


@rumors_app.command("eval")
def evaluate(data: Annotated[Path, typer.Option(help="zh-debunk-covid data.jsonl")] = DEFAULT_DATA,
             sample: Annotated[int, typer.Option(min=10)] = 400) -> None:
    """Recall and precision of claim matching at both thresholds, per kind of variant."""
    from qinglang.rumors import bench, interchange, matching

    if not data.exists():
        typer.echo(f"{data} not found: the claims data set is not on this machine", err=True)
        raise typer.Exit(code=2)
    with bench.scratch(None) as engine:
        tallies = bench.evaluate_claims(engine, interchange.from_debunk_dataset(data), sample=sample)
    typer.echo(f"thresholds: high {matching.HIGH}, suggest {matching.SUGGEST}")
    typer.echo(f"{'variant':<11} {'n':>5} {'R@high':>7} {'P@high':>7} {'R@sugg':>7} {'P@sugg':>7}")
    for kind, tally in tallies.items():
        recall_high = f"{tally.recall('high'):.3f}" if tally.positives else "-"
        recall_suggest = f"{tally.recall('suggest'):.3f}" if tally.positives else "-"
        typer.echo(f"{kind:<11} {tally.positives:>5} {recall_high:>7} {tally.precision('high'):>7.3f} "
                   f"{recall_suggest:>7} {tally.precision('suggest'):>7.3f}")
    negative = tallies["negative"]
    typer.echo(f"negatives: {negative.reported['high']} false matches at high, "
               f"{negative.reported['suggest']} at suggest")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    from qinglang.cli.models import eval_app

    eval_app.command("claims")(evaluate)  # `qinglang eval claims`, as the issue names it
    app.add_typer(rumors_app, name="rumors")

    @bench.command("claims")
    def bench_claims(claims: Annotated[int, typer.Option(min=100)] = 1_000_000,
                     queries: Annotated[int, typer.Option(min=10)] = 2000,
                     database_url: Annotated[str | None, typer.Option(help="Default: a scratch SQLite file.")]
                     = None) -> None:
        """Claim matching latency (p50/p99) against a synthetic bank, and recall at 10% edits."""
        from qinglang.rumors import bench as rumors_bench

        with rumors_bench.scratch(database_url) as engine, typer.progressbar(
                length=claims, label="loading claims") as bar:
            result = rumors_bench.bench_claims(engine, claims=claims, queries=queries, progress=bar.update)
        typer.echo(f"{result['claims']:.0f} claims, {result['queries']:.0f} queries: p50 {result['p50_ms']:.3f} ms, "
                   f"p99 {result['p99_ms']:.3f} ms, recall at 10% edits {result['recall_edit10']:.3f}; "
                   f"anchor index loaded in {result['index_load_s']:.1f} s")

    @bench.command("sweep")
    def bench_sweep(items: Annotated[int, typer.Option(min=100)] = 1_000_000,
                    planted: Annotated[int, typer.Option(min=1)] = 1000,
                    database_url: Annotated[str | None, typer.Option(help="Default: a scratch SQLite file.")]
                    = None) -> None:
        """Time from a claim's insertion to every matching stored item disposed."""
        from qinglang.rumors import bench as rumors_bench
        from qinglang.settings import Settings

        with rumors_bench.scratch(database_url) as engine:
            settings = Settings(database_url=str(engine.url))
            with typer.progressbar(length=items, label="storing items") as bar:
                result = rumors_bench.bench_sweep(engine, settings, items=items, planted=planted,
                                                  progress=bar.update)
        typer.echo(f"{result['items']:.0f} stored items, {result['planted']:.0f} planted: swept in "
                   f"{result['seconds']:.2f} s; {result['candidates']:.0f} candidates, {result['matched']:.0f} "
                   f"matched, {result['labelled']:.0f} labelled, {result['limited']:.0f} limited, "
                   f"{result['removed']:.0f} removed")
