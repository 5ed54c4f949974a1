"""R9.6: workers apply messages a transaction's worth at a time (issue 4) with the guarantees of
one message per transaction: one effect per message, and a failing message loses only its own."""

from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy as sa

from qinglang.db import transaction
from qinglang.stream import jetstream, outbox
from qinglang.stream.consumers import Consumer, StreamMessage, deliver_batch
from qinglang.stream.models import ProcessedMessage
from tests.stream.effects import Refused, effect_keys, record_effect
from tests.stream.test_jetstream import _effects, _processed, _relay_all


def _message(key: str, **payload) -> StreamMessage:
    return StreamMessage("test.item", key, payload, outbox.utcnow())


def _processed_keys(db, run_id: str) -> list[str]:  # noqa: ANN001
    return sorted(db.scalars(sa.select(ProcessedMessage.key).where(ProcessedMessage.key.like(f"{run_id}%"))))


def test_a_failing_message_loses_only_its_own_work(db, joined_sessions, effects_table, run_id) -> None:
    target = Consumer("effects", ("test.>",), record_effect)
    first = deliver_batch(joined_sessions, target, [_message(f"{run_id}:a")], budget_seconds=60)
    assert first == [True]

    batch = [_message(f"{run_id}:a"), _message(f"{run_id}:b", fail=True), _message(f"{run_id}:c")]
    outcomes = deliver_batch(joined_sessions, target, batch, budget_seconds=60)
    assert outcomes[0] is False and isinstance(outcomes[1], Refused) and outcomes[2] is True
    assert effect_keys(db, run_id) == [f"{run_id}:a", f"{run_id}:c"]
    assert _processed_keys(db, run_id) == [f"{run_id}:a", f"{run_id}:c"]

    # Redelivered (the cause fixed), the failed message applies once, the others not again.
    again = deliver_batch(joined_sessions, target, [*batch[:1], _message(f"{run_id}:b"), batch[2]],
                          budget_seconds=60)
    assert again == [False, True, False]
    assert effect_keys(db, run_id) == [f"{run_id}:a", f"{run_id}:b", f"{run_id}:c"]


def test_a_batch_commits_when_its_time_is_spent(db, joined_sessions, effects_table, run_id) -> None:
    """A worker's transaction is bounded: what it handled commits, the rest waits for the next."""
    target = Consumer("effects", ("test.>",), record_effect)
    batch = [_message(f"{run_id}:{n}") for n in range(5)]
    handled = deliver_batch(joined_sessions, target, batch, budget_seconds=1e-9)
    assert handled == [True]
    assert _processed_keys(db, run_id) == [f"{run_id}:0"]
    rest = deliver_batch(joined_sessions, target, batch[1:], budget_seconds=60)
    assert rest == [True] * 4 and len(effect_keys(db, run_id)) == 5


@pytest.mark.nats
def test_a_worker_acks_a_batch_but_not_the_message_that_failed(committed, jetstream_settings, run_id) -> None:
    items = 30
    with transaction(committed) as session:
        for n in range(items):
            outbox.emit(session, "test.item", {"n": n, "fail": n == 7}, key=f"{run_id}:{n:03d}")
    assert asyncio.run(_relay_all(committed, jetstream_settings)) == items

    async def scenario() -> tuple[int, int, int]:
        client, js = await jetstream.connect(jetstream_settings)
        try:
            target = Consumer("effects", ("test.>",), record_effect)
            worker, stop = jetstream.Worker(committed, jetstream_settings, [target]), asyncio.Event()
            task = asyncio.create_task(worker.run(js, stop))
            deadline = time.monotonic() + 20
            while True:
                assert time.monotonic() < deadline, "the worker did not ack the rest of the batch"
                await asyncio.sleep(0.05)
                if _processed(committed, run_id) < items - 1:
                    continue
                info = await js.consumer_info(jetstream_settings.name, "effects")
                if not info.num_pending and info.num_ack_pending <= 1:
                    break
            stop.set()
            await task
            # Every message up to the failing one acked, that one not (it will be redelivered).
            return worker.applied, info.ack_floor.stream_seq, info.delivered.stream_seq
        finally:
            await client.close()

    applied, ack_floor, delivered = asyncio.run(scenario())
    assert (applied, ack_floor, delivered) == (items - 1, 7, items)
    assert _effects(committed, run_id) == [f"{run_id}:{n:03d}" for n in range(items) if n != 7]
    assert _processed(committed, run_id) == items - 1
