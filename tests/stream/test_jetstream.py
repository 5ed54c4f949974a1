"""R9.6 on the production transport, NATS JetStream: at-least-once delivery with exactly one
effect per message, across worker crashes, duplicate publishes and rolled-back transactions.

Needs NATS with JetStream at 127.0.0.1:4222; skipped with the reason when it does not answer
(failed instead when CI is set). Each test gets its own stream, deleted afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from qinglang.db import make_sessionmaker, read_only, transaction
from qinglang.stream import jetstream, outbox
from qinglang.stream.consumers import Registry, StreamMessage
from qinglang.stream.models import OutboxMessage, ProcessedMessage
from tests.conftest import PROJECT_ROOT
from tests.stream.effects import effect_keys, record_effect

pytestmark = pytest.mark.nats


def _processed(sessions, run_id: str) -> int:  # noqa: ANN001
    # Read without the SQLite write lock, or polling would queue behind the worker's writes.
    with transaction(_reading(sessions)) as session:
        return session.scalar(sa.select(sa.func.count()).where(ProcessedMessage.key.like(f"{run_id}%")))


def _effects(sessions, run_id: str) -> list[str]:  # noqa: ANN001
    with transaction(_reading(sessions)) as session:
        return effect_keys(session, run_id)


def _sent_at(sessions, key: str):  # noqa: ANN001, ANN202
    with transaction(_reading(sessions)) as session:
        return session.scalar(sa.select(OutboxMessage.sent_at).where(OutboxMessage.key == key))


def _reading(sessions):  # noqa: ANN001, ANN202
    return make_sessionmaker(read_only(sessions.kw["bind"]))


async def _relay_all(sessions, settings) -> int:  # noqa: ANN001
    client, js = await jetstream.connect(settings)
    try:
        relay, total = jetstream.Relay(sessions, settings), 0
        while count := await relay.relay_once(js):
            total += count
        return total
    finally:
        await client.close()


def test_rollback_duplicates_and_redelivery_each_have_one_effect(committed, jetstream_settings,
                                                                   run_id) -> None:
    settings = jetstream_settings
    with transaction(committed) as session:
        outbox.emit(session, "test.item", {"n": 1}, key=f"{run_id}:kept")
    with pytest.raises(RuntimeError), transaction(committed) as session:
        outbox.emit(session, "test.item", {"n": 2}, key=f"{run_id}:rolled-back")
        raise RuntimeError("the request failed after emitting")

    async def scenario() -> tuple[int, int, bool]:
        client, js = await jetstream.connect(settings)
        try:
            relay = jetstream.Relay(committed, settings)
            first = await relay.relay_once(js)
            # A relay that crashed before marking the row sent publishes it again ...
            with transaction(committed) as session:
                session.execute(sa.update(OutboxMessage).where(OutboxMessage.key == f"{run_id}:kept")
                                .values(sent_at=None))
            await relay.relay_once(js)
            # ... and JetStream drops it by its Nats-Msg-Id.
            stored = (await js.stream_info(settings.name)).state.messages
            # A copy under another message id gets past the broker; the consumer must catch it.
            copy = StreamMessage("test.item", f"{run_id}:kept", {"n": 1}, outbox.utcnow())
            ack = await js.publish(settings.nats_subject("test.item"), copy.encode(),
                                   headers={"Nats-Msg-Id": f"{run_id}:copy"})
            registry = Registry()
            target = registry.register("effects", ("test.>",), record_effect)
            worker, stop = jetstream.Worker(committed, settings, [target]), asyncio.Event()
            task = asyncio.create_task(worker.run(js, stop))
            deadline = time.monotonic() + 10
            while _processed(committed, run_id) < 1 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            info = await js.consumer_info(settings.name, "effects")
            while info.num_ack_pending or info.num_pending:
                await asyncio.sleep(0.05)
                info = await js.consumer_info(settings.name, "effects")
                assert time.monotonic() < deadline, "the worker did not ack everything"
            stop.set()
            await task
            return first, stored, bool(ack.duplicate)
        finally:
            await client.close()

    first, stored, duplicate = asyncio.run(scenario())
    assert (first, stored, duplicate) == (1, 1, False)
    assert _effects(committed, run_id) == [f"{run_id}:kept"]
    assert _processed(committed, run_id) == 1


def _worker(settings, env: dict[str, str]) -> subprocess.Popen:  # noqa: ANN001
    command = [sys.executable, "-m", "qinglang", "stream", "worker", "--consumer", "effects",
               "--handler", "tests.stream.effects:record_effect", "--subject", "test.>", "--no-relay"]
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert "ready" in line, f"the worker did not start: {line!r}, exit code {process.poll()}"
    return process


def test_a_worker_killed_mid_run_loses_nothing_and_doubles_nothing(settings, committed,
                                                                    jetstream_settings, run_id) -> None:
    """SIGKILL one worker half-way; a second one finishes: every item has exactly one effect."""
    items = 40
    stream = jetstream_settings
    with transaction(committed) as session:
        for n in range(items):
            outbox.emit(session, "test.item", {"n": n}, key=f"{run_id}:{n:03d}")
    assert asyncio.run(_relay_all(committed, stream)) == items

    env = {**os.environ, "QINGLANG_DATABASE_URL": settings.database_url,
           "QINGLANG_VAR_DIR": str(settings.var_dir), "QINGLANG_SECRET_KEY": settings.secret_key,
           "QINGLANG_STREAM_URL": stream.url, "QINGLANG_STREAM_NAME": stream.name,
           "QINGLANG_STREAM_SUBJECT_PREFIX": stream.subject_prefix,
           "QINGLANG_STREAM_ACK_WAIT_SECONDS": str(stream.ack_wait_seconds),
           "QINGLANG_TEST_EFFECT_DELAY": "0.05"}
    first = _worker(stream, env)
    try:
        deadline = time.monotonic() + 30
        while len(_effects(committed, run_id)) < items // 4:
            assert time.monotonic() < deadline and first.poll() is None, "the first worker stalled"
            time.sleep(0.02)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    done_by_first = _processed(committed, run_id)
    assert 0 < done_by_first < items, "the kill must land mid-run"

    second = _worker(stream, env)
    try:
        deadline = time.monotonic() + 60
        while _processed(committed, run_id) < items:
            assert time.monotonic() < deadline and second.poll() is None, "the second worker stalled"
            time.sleep(0.05)
        # Anything the dead worker held is redelivered after ack_wait; give it that long to
        # show up as a second effect if idempotency were broken.
        time.sleep(stream.ack_wait_seconds + 1)
    finally:
        second.terminate()
        second.wait(timeout=10)

    effects = _effects(committed, run_id)
    assert effects == [f"{run_id}:{n:03d}" for n in range(items)]
    assert _processed(committed, run_id) == items


def test_the_api_process_relays_what_its_requests_commit(committed, jetstream_settings, run_id) -> None:
    """The relay thread the app starts in JetStream mode publishes on commit, not on its poll."""
    settings = jetstream_settings.model_copy(update={"poll_seconds": 60})
    relay = jetstream.RelayThread(committed, settings)
    relay.start()
    try:
        with transaction(committed) as session:
            outbox.emit(session, "test.item", {}, key=f"{run_id}:relayed")
        deadline = time.monotonic() + 10
        while _sent_at(committed, f"{run_id}:relayed") is None:
            assert time.monotonic() < deadline, "the relay did not publish after the commit"
            time.sleep(0.05)
    finally:
        relay.stop()

    async def stored() -> int:
        client, js = await jetstream.connect(settings)
        try:
            return (await js.stream_info(settings.name)).state.messages
        finally:
            await client.close()

    assert asyncio.run(stored()) == 1
