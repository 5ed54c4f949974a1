"""``qinglang evidence verify|purge|export`` and ``qinglang bench evidence`` (R14.3)."""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import typer

from qinglang.percentiles import percentile

evidence = typer.Typer(
    help="The evidence chain: verify it, purge its expired end, export case files.",
    no_args_is_help=True,
)


@evidence.command("verify")
def verify() -> None:
    """Walk the hash chain; exit 1 and name the first bad record if anything was changed."""
    from qinglang.db import transaction, utcnow
    from qinglang.evidence import service
    from qinglang.evidence.schemas import VerifyReport
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    runtime = build_runtime(get_settings())
    try:
        with transaction(runtime.read_sessions) as session:
            result = VerifyReport.of(service.verify(session), utcnow())
    finally:
        runtime.close()
    start = (
        f"checkpoint #{result.checkpoint.purged_through_seq}" if result.checkpoint else "genesis"
    )
    if result.problem is not None:
        typer.echo(
            f"evidence chain BROKEN at #{result.problem.seq}: {result.problem.kind}: "
            f"{result.problem.message}",
            err=True,
        )
        typer.echo(f"  {result.count} records before it verified from {start}", err=True)
        raise typer.Exit(1)
    span = f"#{result.first_seq}..#{result.last_seq}" if result.count else "empty"
    age = (
        f"oldest {result.oldest_age_days:.1f} days old"
        if result.oldest_age_days is not None
        else ""
    )
    typer.echo(f"evidence chain OK: {result.count} records ({span}) from {start}; {age}")
    typer.echo(f"  head #{result.last_seq} {result.head_hash}")


@evidence.command("purge")
def purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would go, change nothing."),
) -> None:
    """Delete records older than QINGLANG_EVIDENCE_RETENTION_DAYS (at least 183), oldest first.

    A checkpoint and an 'evidence:purged' record keep the rest of the chain verifiable.
    """
    from qinglang.errors import QinglangError
    from qinglang.evidence import service
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    runtime = build_runtime(get_settings())
    session = runtime.sessions()
    try:
        result = service.purge(session, runtime.settings)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except QinglangError as error:
        session.rollback()
        typer.echo(f"error [{error.code}]: {error.message}", err=True)
        raise typer.Exit(2) from None
    finally:
        session.close()
        runtime.close()
    verb = "would purge" if dry_run else "purged"
    if not result.purged_count:
        typer.echo(f"nothing to purge: no record is older than {result.cutoff:%Y-%m-%d %H:%M} UTC")
        return
    typer.echo(
        f"{verb} {result.purged_count} records through #{result.through_seq} "
        f"(older than {result.cutoff:%Y-%m-%d %H:%M} UTC); the chain now starts after "
        f"#{result.through_seq}"
    )


@evidence.command("export")
def export(
    subject_type: str = typer.Argument(..., help="e.g. content, account."),
    subject_id: str = typer.Argument(...),
    output: Path = typer.Option(..., "-o", "--output", help="The JSON file to write."),
) -> None:
    """Write a subject's case file: all its records in chain order, with each hash."""
    from qinglang.db import transaction, utcnow
    from qinglang.evidence import service
    from qinglang.evidence.schemas import CaseFile
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    runtime = build_runtime(get_settings())
    try:
        with transaction(runtime.read_sessions) as session:
            records = service.for_subject(session, subject_type, subject_id)
            case = CaseFile.of(subject_type, subject_id, records, service.head(session), utcnow())
    finally:
        runtime.close()
    output.write_text(case.model_dump_json(indent=2) + "\n", encoding="utf-8")
    typer.echo(f"wrote {len(case.records)} records about {subject_type} {subject_id} to {output}")


def _payload(rng: random.Random, n: int) -> dict:
    """Roughly what a removal records: a content snapshot and the verdict with its reasons."""
    body = "".join(
        rng.choice("今天社区图书馆有讲座大家注意防暑降温地铁新线路开通了") for _ in range(140)
    )
    return {
        "content": {"id": n, "kind": "post", "author_id": n % 97, "body": body, "labels": []},
        "verdict": {
            "action": "remove",
            "reasons": [
                {"rule_id": "MR-7.6", "rule_version": 1, "requirement": "R14.1", "score": 0.9731}
            ],
        },
        "versions": {"policy": "2026.11", "model": "rumor-clf-3"},
    }


def _bench_batches(
    sessions: Callable, total: int, batch: int, threads: int
) -> tuple[float, list[float], list[float]]:
    from qinglang.db import transaction
    from qinglang.evidence import service

    appends: list[float] = []
    commits: list[float] = []
    lock = threading.Lock()

    def work(count: int, seed: int) -> None:
        rng = random.Random(seed)
        done = 0
        while done < count:
            size = min(batch, count - done)
            mine: list[float] = []
            began = time.perf_counter()
            with transaction(sessions) as session:
                for n in range(size):
                    started = time.perf_counter()
                    service.record(
                        session,
                        tag="content:post:removed",
                        subject_type="content",
                        subject_id=done + n,
                        actor_id=1,
                        payload=_payload(rng, done + n),
                    )
                    mine.append(time.perf_counter() - started)
            with lock:
                appends.extend(mine)
                commits.append(time.perf_counter() - began)
            done += size

    share = total // threads
    workers = [threading.Thread(target=work, args=(share, n)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, sorted(appends), sorted(commits)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(evidence, name="evidence")

    @bench.command("evidence")
    def bench_evidence(
        database_url: str = typer.Option(
            "",
            help="Default: a fresh SQLite file in a temporary folder. Records written to a "
            "real database cannot be deleted for 183 days: use a scratch database.",
        ),
        records: int = typer.Option(2000, min=100, help="Records per scenario."),
        threads: int = typer.Option(8, min=1, help="Writers in the concurrent scenario."),
    ) -> None:
        """Appends/s and p50/p99 of record() by transaction size, then verify speed."""
        from qinglang.cli.database import migrate_database
        from qinglang.db import transaction
        from qinglang.evidence import service
        from qinglang.runtime import build_runtime
        from qinglang.settings import Settings

        with tempfile.TemporaryDirectory() as folder:
            url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
            settings = Settings(database_url=url, var_dir=Path(folder))
            migrate_database(settings)
            runtime = build_runtime(settings)
            try:
                typer.echo(
                    f"bench evidence  engine={url.split(':', 1)[0]} records/scenario={records}"
                )
                for batch, writers in ((1, 1), (100, 1), (1, threads)):
                    elapsed, appends, commits = _bench_batches(
                        runtime.sessions, records, batch, writers
                    )
                    typer.echo(
                        f"  {batch:>3}/txn x{writers} writers"
                        f"  {len(appends) / elapsed:>8,.0f} appends/s"
                        f"   record() p50 {percentile(appends, 0.5) * 1000:.2f} ms"
                        f"  p99 {percentile(appends, 0.99) * 1000:.2f} ms"
                        f"   txn p50 {percentile(commits, 0.5) * 1000:.2f} ms"
                        f"  p99 {percentile(commits, 0.99) * 1000:.2f} ms"
                        f"  mean {statistics.fmean(commits) * 1000:.2f} ms"
                    )
                with transaction(runtime.read_sessions) as session:
                    started = time.perf_counter()
                    result = service.verify(session)
                    elapsed = time.perf_counter() - started
                status = (
                    "OK" if result.ok else f"BROKEN at #{result.problem and result.problem.seq}"
                )
                typer.echo(
                    f"  verify  {result.count / elapsed:>8,.0f} records/s  "
                    f"({result.count} records in {elapsed:.2f} s, chain {status})"
                )
            finally:
                runtime.close()
        if not result.ok:
            raise typer.Exit(1)
