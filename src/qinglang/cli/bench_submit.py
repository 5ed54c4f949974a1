"""``qinglang bench submit``: submissions/s and latency through the real HTTP API.

Starts the service in a subprocess (the way it runs in production), signs in verified users and
posts ~140-character Chinese texts with a fixed concurrency, then prints throughput and
latency percentiles. Pre-publication review runs inside each request, so the gate's cost is in
the figures.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer

from qinglang.percentiles import latency_line

_PHRASES = (
    "今天去公园散步", "樱花开得正好", "社区组织了义务劳动", "地铁新线路开通了", "孩子们在操场上踢球",
    "图书馆周末有讲座", "天气预报说明天下雨", "菜市场的蔬菜很新鲜", "大家注意防暑降温", "这家面馆味道不错",
)


def synthetic_post(rng: random.Random, length: int = 140) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        parts.append(rng.choice(_PHRASES) + rng.choice("，。！"))
    return "".join(parts)[:length]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare_users(database_url: str, var_dir: Path, count: int) -> list[str]:
    from qinglang.cli.database import migrate_database
    from qinglang.db import transaction
    from qinglang.identity import service as identity_service
    from qinglang.identity.id_numbers import check_digit
    from qinglang.rules import service as rules_service
    from qinglang.rules.models import DocumentSlug
    from qinglang.runtime import build_runtime
    from qinglang.settings import Settings

    settings = Settings(database_url=database_url, var_dir=var_dir)
    migrate_database(settings)
    runtime = build_runtime(settings)
    tokens = []
    run_id = random.randrange(10**6)
    try:
        with transaction(runtime.sessions) as session:
            version = rules_service.current(session, DocumentSlug.USER_AGREEMENT).version
            for n in range(count):
                mobile = f"137{run_id % 10**4:04d}{n:04d}"
                handle = f"bench{run_id}_{n}"
                account = identity_service.register(session, settings, handle=handle,
                                                     password="bench-password", mobile=mobile)
                first17 = f"110105199001{(n % 28) + 1:02d}{n % 1000:03d}"
                identity_service.verify_identity(
                    session, settings, runtime.verifier, account, name="测试",
                    id_number=first17 + check_digit(first17), mobile=mobile,
                )
                rules_service.accept_agreement(session, account.id, version)
                token, _ = identity_service.sign_in(session, settings, handle, "bench-password")
                tokens.append(token)
    finally:
        runtime.close()
    return tokens


async def _drive(base_url: str, tokens: list[str], requests: int, concurrency: int) -> tuple[list[float], int, float]:
    import httpx

    rng = random.Random(7)
    bodies = [synthetic_post(rng) for _ in range(256)]
    latencies: list[float] = []
    failures = 0
    counter = iter(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal failures
        for n in counter:
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
            started = time.perf_counter()
            response = await client.post("/v1/posts", json={"body": bodies[n % len(bodies)]}, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                failures += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, failures, elapsed


def _wait_until_up(base_url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise typer.Exit(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise typer.Exit("the server did not start in time")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @bench.command("submit")
    def bench_submit(
        database_url: str = typer.Option("", help="Default: a fresh SQLite file in a temporary folder."),
        requests: int = typer.Option(2000, min=1, help="Posts to submit."),
        concurrency: int = typer.Option(16, min=1, help="Requests in flight."),
        users: int = typer.Option(20, min=1, help="Distinct verified authors."),
        workers: int = typer.Option(1, min=1, help="Server worker processes (PostgreSQL only)."),
    ) -> None:
        """Posts per second and p50/p99 latency through the HTTP API, with the gate in place."""
        with tempfile.TemporaryDirectory() as folder:
            var_dir = Path(folder)
            url = database_url or f"sqlite:///{var_dir / 'bench.db'}"
            tokens = _prepare_users(url, var_dir, users)
            port = _free_port()
            env = {**os.environ, "QINGLANG_DATABASE_URL": url, "QINGLANG_VAR_DIR": str(var_dir)}
            server = subprocess.Popen(
                [sys.executable, "-m", "qinglang", "serve", "--port", str(port), "--no-migrate",
                 "--workers", str(workers if not url.startswith("sqlite") else 1)],
                env=env, stdout=subprocess.DEVNULL,
            )
            base_url = f"http://127.0.0.1:{port}"
            try:
                _wait_until_up(base_url, server)
                latencies, failures, elapsed = asyncio.run(_drive(base_url, tokens, requests, concurrency))
            finally:
                server.terminate()
                server.wait(timeout=10)
        engine = url.split(":", 1)[0]
        typer.echo(f"bench submit  engine={engine} requests={requests} concurrency={concurrency} "
                   f"server_workers={workers if engine != 'sqlite' else 1}")
        typer.echo(f"  throughput  {requests / elapsed:,.0f} posts/s  ({failures} failed)")
        typer.echo(f"  latency     {latency_line(latencies)}   mean {statistics.fmean(latencies) * 1000:.1f} ms")
        if failures:
            raise typer.Exit(1)
