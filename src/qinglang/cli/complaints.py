"""``qinglang complaints``: the complaint queue and escalation of overdue reports (R13.4), and
``qinglang bench complaints``: report intake under load and the credit score read path."""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import typer

complaints_app = typer.Typer(help="Reports, their deadlines and the complaint queue.", no_args_is_help=True)


@complaints_app.command("escalate")
def escalate() -> None:
    """Escalate reports past their disposal deadline to the head of the review queue."""
    from qinglang.complaints import service
    from qinglang.db import transaction
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    runtime = build_runtime(get_settings())
    try:
        with transaction(runtime.sessions) as session:
            count = service.escalate_overdue(session)
    finally:
        runtime.close()
    typer.echo(f"{count} overdue reports escalated")


@complaints_app.command("queue")
def queue(limit: int = typer.Option(20, min=1, max=500)) -> None:
    """Reported items awaiting review: overdue first, then trusted reporters, then weight."""
    from qinglang.complaints import service
    from qinglang.db import make_engine, make_sessionmaker
    from qinglang.settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            entries = service.queue(session, limit=limit)
    finally:
        engine.dispose()
    for e in entries:
        flags = ("OVERDUE " if e.overdue else "") + ("PRIORITY " if e.priority else "")
        typer.echo(f"case {e.case_id:>6}  item {e.content_id}  {e.reporters} reporters  weight {e.weight:.2f}  "
                   f"{', '.join(e.categories)}  due {e.due_at:%Y-%m-%d %H:%M}  {flags}".rstrip())


def _items(base_url: str, tokens: list[str], count: int) -> list[int]:
    import random

    import httpx

    from qinglang.cli.bench_http import synthetic_post

    rng = random.Random(11)
    ids = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for n in range(count):
            response = client.post("/v1/posts", json={"body": synthetic_post(rng)},
                                   headers={"Authorization": f"Bearer {tokens[n % len(tokens)]}"})
            response.raise_for_status()
            ids.append(response.json()["id"])
    return ids


def _reporting(tokens: list[str], items: list[int]):  # noqa: ANN202 - a bench_http request
    users = len(tokens)

    async def report(client, n: int) -> bool:  # noqa: ANN001 - a bench_http.Connection
        index = n % len(items)
        # Item i was written by user i % users; every report comes from someone else, once.
        reporter = (index % users + 1 + n // len(items)) % users
        body = {"content_id": items[index], "category": "illegal.false_information", "note": "bench"}
        response = await client.post("/v1/reports", json=body, headers={"Authorization": f"Bearer {tokens[reporter]}"})
        return response.status_code == 201

    return report


def _score_reads(url: str, var_dir: Path, events: int, reads: int) -> tuple[list[float], list[float]]:
    """p99 of the score for one account with ``events`` ledger events: with its checkpoint (the
    normal state) and, for comparison, folding every event."""
    from sqlalchemy import delete, insert

    from qinglang.credit import service as credit_service
    from qinglang.credit.models import CreditCheckpoint, CreditEvent
    from qinglang.db import transaction, utcnow
    from qinglang.identity import service as identity_service
    from qinglang.runtime import build_runtime
    from qinglang.settings import Settings

    settings = Settings(database_url=url, var_dir=var_dir, password_hash_cost=1024)
    runtime = build_runtime(settings)
    policy = credit_service.policy_of(settings)
    now = utcnow()
    try:
        with transaction(runtime.sessions) as session:
            account = identity_service.register(session, settings, handle=f"ledger{int(time.time())}",
                                                password="bench-password", mobile="13600000001")
            account.created_at = now - dt.timedelta(days=2 * 365)
            session.flush()
            span = dt.timedelta(days=2 * 365) / events
            rows = [{"account_id": account.id, "kind": "report_bonus" if n % 3 else "deduction",
                     "points": 1 if n % 3 else -1, "reason": "bench", "at": account.created_at + span * n}
                    for n in range(events)]
            session.execute(insert(CreditEvent), rows)
            account_id = account.id

        def measure() -> list[float]:
            timings = []
            for _ in range(reads):
                started = time.perf_counter()
                with runtime.read_sessions() as session:
                    credit_service.standing(session, policy, account_id)
                timings.append(time.perf_counter() - started)
            return sorted(timings)

        with transaction(runtime.sessions) as session:
            session.execute(delete(CreditCheckpoint).where(CreditCheckpoint.account_id == account_id))
        unfolded = measure()
        with transaction(runtime.sessions) as session:
            credit_service.refresh_checkpoint(session, policy, account_id)
        return measure(), unfolded
    finally:
        runtime.close()


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(complaints_app, name="complaints")

    @bench.command("complaints")
    def bench_complaints(
        database_url: str = typer.Option("", help="Default: a fresh SQLite file in a temporary folder."),
        requests: int = typer.Option(2000, min=1, help="Reports to file."),
        concurrency: int = typer.Option(16, min=1, help="Requests in flight."),
        users: int = typer.Option(40, min=2, help="Distinct verified users (authors and reporters)."),
        items: int = typer.Option(100, min=1, help="Reported items (the first report on each runs post review)."),
        events: int = typer.Option(10_000, min=1, help="Ledger events of the account whose score is read."),
        reads: int = typer.Option(1000, min=10, help="Score reads to time."),
    ) -> None:
        """Reports/s and latency through the HTTP API; p99 of the credit score read."""
        from qinglang.cli.bench_http import load, prepare_users, serving
        from qinglang.percentiles import percentile

        if requests > items * (users - 1):
            raise typer.BadParameter(f"at most {items * (users - 1)} distinct reports with these users and items")
        with tempfile.TemporaryDirectory() as folder:
            var_dir = Path(folder)
            url = database_url or f"sqlite:///{var_dir / 'bench.db'}"
            tokens = prepare_users(url, var_dir, users)
            with serving(url, var_dir) as served:
                reported = _items(served.url, tokens, items)
                latencies, failures, elapsed = asyncio.run(
                    load(served.url, requests, concurrency, _reporting(tokens, reported)))
            checkpointed, unfolded = _score_reads(url, var_dir, events, reads)
        ordered = sorted(latencies)
        engine = url.split(":", 1)[0]
        typer.echo(f"bench complaints  engine={engine} reports={requests} items={items} concurrency={concurrency}")
        typer.echo(f"  intake      {requests / elapsed:,.0f} reports/s  ({failures} failed)")
        typer.echo(f"  latency     p50 {percentile(ordered, 0.5) * 1000:.1f} ms   "
                   f"p99 {percentile(ordered, 0.99) * 1000:.1f} ms   mean {statistics.fmean(ordered) * 1000:.1f} ms")
        typer.echo(f"  score read  {events:,} ledger events: p50 {percentile(checkpointed, 0.5) * 1000:.2f} ms   "
                   f"p99 {percentile(checkpointed, 0.99) * 1000:.2f} ms (checkpointed)   "
                   f"p99 {percentile(unfolded, 0.99) * 1000:.2f} ms (folding every event)")
        if failures:
            raise typer.Exit(1)
