"""``qinglang bench stream``: what the broker costs per item, measured end to end.

*direct, batched*: the messages applied in-process with ``deliver_batch`` in the shape a worker
uses (``fetch`` messages at a time, a transaction per ``batch_seconds``), no broker.
*jetstream × N*: the same messages committed to the outbox, then relayed and pulled by N worker
processes; timed from the first publish until every message is processed. The broker's overhead
is one worker against the batched direct arm: both commit alike, so what differs is the relay,
the network and the acks. *direct, one by one* (``deliver``, a transaction per message) is printed
too: it is what batching saves, not what the broker costs.

Both arms time the same work: the handler is warmed up first in each (its first call loads the
detector; each worker gets warm-up messages one at a time before the clock starts), and emitting
into the outbox is left out of both, since the request that emits pays it whichever transport
delivers (the in-process one reads the same rows).
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import make_engine, make_sessionmaker, read_only, transaction, utcnow
from qinglang.stream import jetstream, outbox
from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import Consumer, StreamMessage, deliver, deliver_batch, load_handler
from qinglang.stream.models import ProcessedMessage


def _bodies(count: int) -> list[str]:
    from qinglang.cli.bench_http import synthetic_post

    rng = random.Random(11)
    return [synthetic_post(rng) for _ in range(count)]


def _processed(sessions: sessionmaker[Session], consumer: str) -> int:
    # A read-only view: polling must not take SQLite's write lock from the workers.
    with transaction(make_sessionmaker(read_only(sessions.kw["bind"]))) as session:
        return int(
            session.scalar(select(func.count()).where(ProcessedMessage.consumer == consumer)) or 0
        )


def _direct(
    sessions: sessionmaker[Session], handler: str, bodies: list[str], run: str,
    settings: StreamSettings | None = None,
) -> float:
    """Items/s applying the handler in this process: one transaction per message, or (given
    the stream settings) batched exactly as a worker batches what it fetches."""
    arm = "one" if settings is None else "batched"
    target = Consumer(f"bench_direct_{arm}_{run}", ("bench.direct",), load_handler(handler))
    warm = {"content_id": -1, "body": bodies[0]}
    deliver(sessions, target, StreamMessage("bench.direct", f"bench:{run}:{arm}:warm", warm, utcnow()))
    messages = [
        StreamMessage("bench.direct", f"bench:{run}:{arm}:{n}", {"content_id": n, "body": body}, utcnow())
        for n, body in enumerate(bodies)
    ]
    started = time.perf_counter()
    if settings is None:
        for message in messages:
            deliver(sessions, target, message)
    else:
        done = 0
        while done < len(messages):
            fetched = messages[done : done + settings.fetch]
            while fetched:
                handled = deliver_batch(sessions, target, fetched, budget_seconds=settings.batch_seconds)
                done += len(handled)
                fetched = fetched[len(handled) :]
    return len(bodies) / (time.perf_counter() - started)


def _start_workers(
    count: int, consumer: str, subject: str, handler: str, env: dict[str, str]
) -> list[subprocess.Popen]:
    command = [
        sys.executable,
        "-m",
        "qinglang",
        "stream",
        "worker",
        "--consumer",
        consumer,
        "--handler",
        handler,
        "--subject",
        subject,
        "--no-relay",
    ]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(count)
    ]
    for process in processes:
        line = process.stdout.readline() if process.stdout else ""
        if "ready" not in line:
            raise typer.Exit(f"a worker did not start (exit code {process.poll()})")
    return processes


def _emit(sessions: sessionmaker[Session], subject: str, bodies: list[str], keys: list[str]) -> None:
    # Small transactions, as requests would commit them.
    for first in range(0, len(bodies), 50):
        with transaction(sessions) as session:
            for n in range(first, min(first + 50, len(bodies))):
                outbox.emit(session, subject, {"content_id": n, "body": bodies[n]}, key=keys[n])


async def _relay_all(sessions: sessionmaker[Session], settings: StreamSettings) -> None:
    client, js = await jetstream.connect(settings)
    try:
        while await jetstream.Relay(sessions, settings).relay_once(js):
            pass
    finally:
        await client.close()


def _wait_processed(
    sessions: sessionmaker[Session], consumer: str, count: int, processes: list[subprocess.Popen]
) -> None:
    deadline = time.monotonic() + 600
    while _processed(sessions, consumer) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            raise typer.Exit("the workers stopped before processing every message")
        time.sleep(0.01)


def _through_jetstream(
    sessions: sessionmaker[Session],
    settings: StreamSettings,
    env: dict[str, str],
    handler: str,
    bodies: list[str],
    run: str,
    workers: int,
) -> float:
    consumer, subject = f"bench_w{workers}_{run}", f"bench.w{workers}"
    processes = _start_workers(workers, consumer, subject, handler, env)
    try:
        # One at a time: a worker that just finished asks again after the others, so each
        # worker most likely gets one (JetStream serves waiting pulls in order).
        warm_ups = 2 * workers
        for n in range(warm_ups):
            _emit(sessions, subject, bodies[:1], [f"bench:{run}:{subject}:warm{n}"])
            asyncio.run(_relay_all(sessions, settings))
            _wait_processed(sessions, consumer, n + 1, processes)
        _emit(sessions, subject, bodies, [f"bench:{run}:{subject}:{n}" for n in range(len(bodies))])
        started = time.perf_counter()
        asyncio.run(_relay_all(sessions, settings))
        _wait_processed(sessions, consumer, warm_ups + len(bodies), processes)
        return len(bodies) / (time.perf_counter() - started)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


async def _delete_stream(settings: StreamSettings) -> None:
    client, js = await jetstream.connect(settings)
    try:
        await js.delete_stream(settings.name)
    finally:
        await client.close()


def run(*, items: int, handler: str, database_url: str, worker_counts: list[int]) -> None:
    from qinglang.cli.database import migrate_database
    from qinglang.settings import Settings

    base = StreamSettings()
    url_of_broker = base.url or "nats://127.0.0.1:4222"
    load_handler(handler)  # fail before setting anything up
    run_id = uuid.uuid4().hex[:8]
    settings = base.model_copy(
        update={
            "url": url_of_broker,
            "name": f"QLBENCH_{run_id}",
            "subject_prefix": f"qlbench{run_id}",
            "batch": 500,
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        var_dir = Path(folder)
        url = database_url or f"sqlite:///{var_dir / 'bench.db'}"
        migrate_database(Settings(database_url=url, var_dir=var_dir))
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        env = {
            **os.environ,
            "QINGLANG_DATABASE_URL": url,
            "QINGLANG_VAR_DIR": str(var_dir),
            "QINGLANG_STREAM_URL": settings.url,
            "QINGLANG_STREAM_NAME": settings.name,
            "QINGLANG_STREAM_SUBJECT_PREFIX": settings.subject_prefix,
        }
        bodies = _bodies(items)
        try:
            one_by_one = _direct(sessions, handler, bodies, run_id)
            direct = _direct(sessions, handler, bodies, run_id, settings)
            rates = {
                n: _through_jetstream(sessions, settings, env, handler, bodies, run_id, n)
                for n in worker_counts
            }
        finally:
            asyncio.run(_delete_stream(settings))
            engine.dispose()
    engine_name = url.split(":", 1)[0].split("+")[0]
    typer.echo(f"bench stream  engine={engine_name} items={items} handler={handler}")
    typer.echo(f"  direct, one by one     {one_by_one:8,.0f} items/s   (a transaction per message)")
    typer.echo(f"  direct, batched        {direct:8,.0f} items/s   (no broker; committed as a worker commits)")
    for count, rate in rates.items():
        overhead = (direct / rate - 1) * 100
        typer.echo(
            f"  jetstream, {count} worker{'s' if count > 1 else ' '}  {rate:8,.0f} items/s   "
            f"broker overhead {overhead:+.0f}% vs direct, batched"
        )
