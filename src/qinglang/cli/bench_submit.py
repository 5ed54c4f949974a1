"""``qinglang bench submit``: submissions/s and latency through the real HTTP API.

Pre-publication review runs inside each request, so the gate's cost is in the figures.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

import typer

from qinglang.cli.bench_http import Connection, load, prepare_users, serving, synthetic_post
from qinglang.percentiles import latency_line


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @bench.command("submit")
    def bench_submit(
        database_url: str = typer.Option("", help="Default: a fresh SQLite file in a temporary folder."),
        requests: int = typer.Option(8000, min=1, help="Posts to submit."),
        concurrency: int = typer.Option(32, min=1, help="Requests in flight."),
        users: int = typer.Option(20, min=1, help="Distinct verified authors."),
        workers: int = typer.Option(2, min=1, help="Server worker processes (PostgreSQL only; SQLite has one)."),
        inspection: str = typer.Option(
            "separate", help="'separate': the API processes leave real-time inspection to stream workers, as "
                             "in production ('bench stream' measures those); 'in-process': they run it too."),
    ) -> None:
        """Posts per second and p50/p99 latency through the HTTP API, with the gate in place."""
        if inspection not in ("separate", "in-process"):
            raise typer.BadParameter("--inspection is 'separate' or 'in-process'")
        rng = random.Random(7)
        bodies = [synthetic_post(rng) for _ in range(256)]
        with tempfile.TemporaryDirectory() as folder:
            var_dir = Path(folder)
            url = database_url or f"sqlite:///{var_dir / 'bench.db'}"
            tokens = prepare_users(url, var_dir, users)

            async def submit(client: Connection, n: int) -> bool:
                response = await client.post("/v1/posts", json={"body": bodies[n % len(bodies)]},
                                             headers={"Authorization": f"Bearer {tokens[n % len(tokens)]}"})
                return response.status_code == 201

            environment = {"QINGLANG_STREAM_IN_PROCESS": "true" if inspection == "in-process" else "false"}
            with serving(url, var_dir, workers, environment) as served:
                server_before, driver_before = served.cpu_seconds(), time.process_time()
                latencies, failures, elapsed = asyncio.run(load(served.url, requests, concurrency, submit))
                server_after, driver_after = served.cpu_seconds(), time.process_time()
        engine = url.split(":", 1)[0]
        typer.echo(f"bench submit  engine={engine} requests={requests} concurrency={concurrency} "
                   f"server_workers={workers if engine != 'sqlite' else 1} inspection={inspection}")
        typer.echo(f"  throughput  {requests / elapsed:,.0f} posts/s  ({failures} failed)")
        typer.echo(f"  latency     {latency_line(latencies)}   mean {statistics.fmean(latencies) * 1000:.1f} ms")
        if server_before is not None and server_after is not None:
            # Per post, which drifts far less than posts/s when the machine's speed does.
            typer.echo(f"  cpu         server {(server_after - server_before) / requests * 1000:.2f} ms per post "
                       f"(all its processes; the database's own is not counted), this driver "
                       f"{(driver_after - driver_before) / requests * 1000:.2f} ms")
        if failures:
            raise typer.Exit(1)
