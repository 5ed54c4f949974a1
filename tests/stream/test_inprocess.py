"""R9.6: after-commit messaging on the embedded transport. Nothing is delivered for a change
that did not commit, and every consumer applies each message exactly once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from qinglang.db import transaction
from qinglang.errors import InvalidInput
from qinglang.stream import outbox
from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import Registry, subject_matches
from qinglang.stream.inprocess import InProcessDispatcher
from qinglang.stream.models import OutboxMessage, ProcessedMessage
from tests.stream.effects import effect_keys, record_effect


def _row(db, key):  # noqa: ANN001, ANN202
    return db.scalar(sa.select(OutboxMessage).where(OutboxMessage.key == key))


def test_a_rolled_back_emit_is_never_delivered(db, dispatcher, run_id) -> None:
    outbox.emit(db, "test.item", {"n": 1}, key=f"{run_id}:gone")
    db.rollback()
    assert dispatcher.drain() == 0
    assert _row(db, f"{run_id}:gone") is None
    assert effect_keys(db, run_id) == []


def test_a_committed_emit_is_delivered_once_and_marked_sent(db, dispatcher, run_id) -> None:
    outbox.emit(db, "test.item", {"n": 1}, key=f"{run_id}:a")
    outbox.emit(db, "test.item", {"n": 1}, key=f"{run_id}:a")  # same event again: no-op
    outbox.emit(db, "other.item", {"n": 2}, key=f"{run_id}:b")  # nobody listens
    db.commit()
    assert db.scalar(sa.select(sa.func.count()).where(OutboxMessage.key.like(f"{run_id}%"))) == 2

    assert dispatcher.drain() == 2
    assert dispatcher.drain() == 0
    assert effect_keys(db, run_id) == [f"{run_id}:a"]
    db.expire_all()
    assert _row(db, f"{run_id}:a").sent_at is not None
    assert _row(db, f"{run_id}:b").sent_at is not None


def test_fresh_messages_copied_in_bulk_are_delivered_like_any_other(db, dispatcher, run_id) -> None:
    outbox.emit_many(db, [("test.item", {"n": n}, f"{run_id}:fresh{n}") for n in range(3)], fresh=True)
    db.commit()
    assert dispatcher.drain() == 3
    assert effect_keys(db, run_id) == [f"{run_id}:fresh0", f"{run_id}:fresh1", f"{run_id}:fresh2"]
    db.expire_all()
    assert _row(db, f"{run_id}:fresh1").attempts == 0 and _row(db, f"{run_id}:fresh1").sent_at is not None


def test_a_redelivered_message_has_no_second_effect(db, dispatcher, run_id) -> None:
    """A crash after the handler committed but before the row was marked sent."""
    outbox.emit(db, "test.item", {}, key=f"{run_id}:again")
    db.commit()
    dispatcher.drain()
    db.execute(sa.update(OutboxMessage).where(OutboxMessage.key == f"{run_id}:again")
               .values(sent_at=None))
    db.commit()

    assert dispatcher.drain() == 1
    assert effect_keys(db, run_id) == [f"{run_id}:again"]
    processed = db.scalars(sa.select(ProcessedMessage.consumer)
                           .where(ProcessedMessage.key == f"{run_id}:again")).all()
    assert processed == ["effects"]


def test_a_failing_handler_leaves_no_effect_retries_later_then_sets_the_message_aside(
        db, dispatcher, run_id) -> None:
    outbox.emit(db, "test.item", {"fail": True}, key=f"{run_id}:bad")
    outbox.emit(db, "test.item", {}, key=f"{run_id}:good")
    db.commit()

    assert dispatcher.drain() == 1  # the good one is not held up by the bad one
    assert effect_keys(db, run_id) == [f"{run_id}:good"]  # the failed handler's row rolled back
    db.expire_all()
    bad = _row(db, f"{run_id}:bad")
    assert (bad.attempts, bad.sent_at, bad.failed_at) == (1, None, None)
    assert "told to fail" in bad.last_error
    assert dispatcher.drain() == 0  # backing off: not retried at once

    for attempt in (2, 3):
        db.execute(sa.update(OutboxMessage).where(OutboxMessage.id == bad.id)
                   .values(available_at=bad.created_at - dt.timedelta(seconds=1)))
        db.commit()
        dispatcher.drain()
        db.expire_all()
        assert _row(db, f"{run_id}:bad").attempts == attempt
    assert _row(db, f"{run_id}:bad").failed_at is not None  # max_deliver=3: set aside
    assert outbox.counts(db)["failed"] >= 1
    assert effect_keys(db, run_id) == [f"{run_id}:good"]

    assert outbox.retry_failed(db) >= 1
    db.commit()
    assert _row(db, f"{run_id}:bad").failed_at is None


def test_one_consumer_failing_does_not_repeat_another_consumers_effect(
        db, joined_sessions, effects_table, run_id) -> None:
    calls: list[str] = []

    def flaky(session, message) -> None:  # noqa: ANN001
        calls.append(message.key)
        if len(calls) == 1:
            raise RuntimeError("first call fails")

    registry = Registry()
    registry.register("effects", ("test.item",), record_effect)
    registry.register("flaky", ("test.*",), flaky)
    dispatcher = InProcessDispatcher(joined_sessions, registry, StreamSettings())
    outbox.emit(db, "test.item", {}, key=f"{run_id}:both")
    db.commit()
    dispatcher.drain()
    db.execute(sa.update(OutboxMessage).where(OutboxMessage.key == f"{run_id}:both")
               .values(available_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    db.commit()
    assert dispatcher.drain() == 1
    assert calls == [f"{run_id}:both"] * 2
    assert effect_keys(db, run_id) == [f"{run_id}:both"]


def test_subjects_match_like_nats() -> None:
    assert subject_matches("engagement.>", "engagement.view")
    assert subject_matches("engagement.>", "engagement.view.feed")
    assert not subject_matches("engagement.>", "engagement")
    assert subject_matches("content.*", "content.published")
    assert not subject_matches("content.*", "content.published.reply")
    assert not subject_matches("content.published", "content.removed")


def test_emit_refuses_wildcards_and_empty_keys(db) -> None:
    with pytest.raises(InvalidInput):
        outbox.emit(db, "engagement.>", {}, key="k")
    with pytest.raises(InvalidInput):
        outbox.emit(db, "engagement.view", {}, key="")


def test_registry_refuses_names_a_broker_cannot_use() -> None:
    registry = Registry()
    with pytest.raises(ValueError, match="letters, digits"):
        registry.register("inspection.v2", ("content.published",), record_effect)
    with pytest.raises(ValueError, match="invalid subject"):
        registry.register("inspection", ("content.>.x",), record_effect)


def test_a_commit_wakes_the_background_dispatcher(committed, effects_registry, run_id) -> None:
    """Delivery follows the commit, not the (here one minute) poll interval."""
    from qinglang.stream.inprocess import InProcessDispatcher as Dispatcher

    background = Dispatcher(committed, effects_registry, StreamSettings(poll_seconds=60))
    background.start()
    try:
        time.sleep(0.2)  # let its first (empty) round pass
        with transaction(committed) as session:
            outbox.emit(session, "test.item", {}, key=f"{run_id}:woken")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with transaction(committed) as session:
                if effect_keys(session, run_id):
                    break
            time.sleep(0.05)
    finally:
        background.stop()
    with transaction(committed) as session:
        assert effect_keys(session, run_id) == [f"{run_id}:woken"]
