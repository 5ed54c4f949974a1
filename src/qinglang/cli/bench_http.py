"""Benchmarks through the real HTTP API: the service in a subprocess (as in production),
verified users signed in, synthetic ~140-character Chinese posts and a fixed-concurrency load."""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
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


@dataclass(frozen=True)
class Served:
    url: str
    pid: int

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server and every process it started have used so far:
        with the requests served it gives CPU per request, which varies far less than requests/s
        on a machine whose speed drifts. Read from /proc (Linux); None elsewhere."""
        return cpu_seconds_of_tree(self.pid)


def cpu_seconds_of_tree(root: int) -> float | None:
    proc = Path("/proc")
    if not (proc / str(root) / "stat").exists():
        return None
    parent_of: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # exited while we looked
            continue
        # Fields after the command name, which is in parentheses and may hold anything: state,
        # ppid, ..., then utime, stime and the same for children that have exited and been reaped.
        fields = stat[stat.rindex(")") + 2 :].split()
        parent_of[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = sum(int(value) for value in fields[11:15])
    tree = {root}
    grown = True
    while grown:
        children = {pid for pid, parent in parent_of.items() if parent in tree} - tree
        tree |= children
        grown = bool(children)
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(database_url: str, var_dir: Path, workers: int = 1,
            environment: dict[str, str] | None = None) -> Iterator[Served]:
    """The service on a free port for the duration of the block."""
    port = free_port()
    env = {**os.environ, "QINGLANG_DATABASE_URL": database_url, "QINGLANG_VAR_DIR": str(var_dir),
           **(environment or {})}
    server = subprocess.Popen(
        [sys.executable, "-m", "qinglang", "serve", "--port", str(port), "--no-migrate",
         "--workers", str(1 if database_url.startswith("sqlite") else workers)],
        env=env, stdout=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, server)
        yield Served(base_url, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)


Request = Callable[["Connection", int], Awaitable[bool]]


@dataclass(frozen=True)
class Response:
    status_code: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One keep-alive HTTP/1.1 connection: a load driver as lean as ``wrk``'s.

    A general client (httpx) spends about as much CPU per request as the service does, on the
    same two cores, which would measure the client. This one writes a request and reads a
    ``Content-Length`` response, nothing else."""

    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, *, json: Any, headers: dict[str, str] | None = None) -> Response:
        return await self.request("POST", path, body=orjson.dumps(json), headers=headers)

    async def request(self, method: str, path: str, *, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> Response:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        assert self._reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self._host}", f"Content-Length: {len(body)}",
                 "Content-Type: application/json"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        length = next((int(line.split(":", 1)[1]) for line in header_lines
                       if line.lower().startswith("content-length:")), None)
        if length is None:
            raise RuntimeError("the benchmark driver reads Content-Length responses only")
        return Response(int(status_line.split(" ", 2)[1]), await self._reader.readexactly(length))

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()


async def load(base_url: str, requests: int, concurrency: int, request: Request) -> tuple[list[float], int, float]:
    """Run ``request(connection, n)`` for n in range(requests) with ``concurrency`` in flight,
    one keep-alive connection each.

    Returns each request's latency in seconds, how many failed (``request`` returned False) and
    the wall time of the whole run."""
    address = urlsplit(base_url)
    latencies: list[float] = []
    failures = 0
    counter = iter(range(requests))

    async def worker(connection: Connection) -> None:
        nonlocal failures
        try:
            for n in counter:
                started = time.perf_counter()
                ok = await request(connection, n)
                latencies.append(time.perf_counter() - started)
                failures += not ok
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(Connection(address.hostname or "127.0.0.1", address.port or 80))
                           for _ in range(concurrency)))
    return latencies, failures, time.perf_counter() - started
