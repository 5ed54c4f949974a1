"""Benchmarks through the real HTTP API: the service in a subprocess (as in production),
verified users signed in, synthetic ~140-character Chinese posts and a fixed-concurrency load."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

_PHRASES = (
    "今天去公园散步", "樱花开得正好", "社区组织了义务劳动", "地铁新线路开通了", "孩子们在操场上踢球",
    "图书馆周末有讲座", "天气预报说明天下雨", "菜市场的蔬菜很新鲜", "大家注意防暑降温", "这家面馆味道不错",
)


def synthetic_post(rng: random.Random, length: int = 140) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        parts.append(rng.choice(_PHRASES) + rng.choice("，。！"))
    return "".join(parts)[:length]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_users(database_url: str, var_dir: Path, count: int) -> list[str]:
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


def wait_until_up(base_url: str, server: subprocess.Popen, timeout: float = 30) -> None:
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


@contextmanager
def serving(database_url: str, var_dir: Path, workers: int = 1) -> Iterator[str]:
    """The service on a free port for the duration of the block; yields its base URL."""
    port = free_port()
    env = {**os.environ, "QINGLANG_DATABASE_URL": database_url, "QINGLANG_VAR_DIR": str(var_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "qinglang", "serve", "--port", str(port), "--no-migrate",
         "--workers", str(1 if database_url.startswith("sqlite") else workers)],
        env=env, stdout=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)


Request = Callable[[object, int], Awaitable[bool]]


async def load(base_url: str, requests: int, concurrency: int, request: Request) -> tuple[list[float], int, float]:
    """Run ``request(client, n)`` for n in range(requests) with ``concurrency`` in flight.

    Returns each request's latency in seconds, how many failed (``request`` returned False) and
    the wall time of the whole run."""
    import httpx

    latencies: list[float] = []
    failures = 0
    counter = iter(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal failures
        for n in counter:
            started = time.perf_counter()
            ok = await request(client, n)
            latencies.append(time.perf_counter() - started)
            failures += not ok

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, failures, elapsed
