"""The production transport: NATS JetStream.

The relay publishes committed outbox rows to the stream in id order with ``Nats-Msg-Id`` = key,
then marks them sent. Crashing between the two publishes the rows again on restart; JetStream
drops them as duplicates within its window, and consumers record keys anyway.

Workers pull from one durable consumer per registered consumer name, so any number of worker
processes on any number of machines share its messages. A message is acked only after the
handler's transaction has committed; a worker that dies leaves it unacked and JetStream
redelivers it after ``ack_wait``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import NotFoundError
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import transaction
from qinglang.stream import outbox
from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import Consumer, StreamMessage, deliver_batch
from qinglang.stream.models import OutboxMessage

log = logging.getLogger(__name__)

# One relay at a time keeps the stream in outbox order; the others wait as hot standbys.
_RELAY_LOCK_ID = 0x716C_5354  # "qlST"


async def connect(settings: StreamSettings) -> tuple[Client, JetStreamContext]:
    client = await nats.connect(
        settings.url, name="qinglang", max_reconnect_attempts=-1, connect_timeout=5
    )
    js = client.jetstream()
    await ensure_stream(js, settings)
    return client, js


async def ensure_stream(js: JetStreamContext, settings: StreamSettings) -> None:
    try:
        await js.stream_info(settings.name)
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=settings.name,
                subjects=[f"{settings.subject_prefix}.>"],
                duplicate_window=settings.duplicate_window_seconds,
            )
        )


class Relay:
    def __init__(self, sessions: sessionmaker[Session], settings: StreamSettings) -> None:
        self.sessions = sessions
        self.settings = settings

    async def relay_once(self, js: JetStreamContext) -> int:
        """Publish one batch of pending rows; returns how many were published."""
        # The batch runs in one transaction so the PostgreSQL lock is held while we publish;
        # the database calls are short and run on the loop's thread on purpose, in order.
        with transaction(self.sessions) as session:
            if not _take_relay_lock(session):
                return 0
            rows = outbox.pending(session, self.settings.batch)
            published, failure = await self._publish(js, rows)
            # Whatever reached the stream is marked (and committed) even if another publish failed.
            outbox.mark_sent(session, published)
        if failure is not None:
            raise failure
        return len(published)

    async def _publish(
        self, js: JetStreamContext, rows: Sequence[OutboxMessage]
    ) -> tuple[list[int], Exception | None]:
        """Publish a batch without waiting for each acknowledgement in turn (one round trip per
        row capped the relay at a few thousand rows/s); returns the rows JetStream stored."""
        sent: list[tuple[int, asyncio.Future]] = []
        failure: Exception | None = None
        for row in rows:
            try:
                future = await js.publish_async(
                    self.settings.nats_subject(row.subject),
                    StreamMessage.from_outbox(row).encode(),
                    stream=self.settings.name,
                    headers={"Nats-Msg-Id": row.key},
                )
            except Exception as error:
                failure = error
                break
            sent.append((row.id, future))
        if sent:
            await asyncio.wait([f for _, f in sent], timeout=self.settings.publish_timeout_seconds)
        published = []
        for row_id, future in sent:
            if not future.done():
                # Perhaps stored, perhaps not: left pending, the next publish is de-duplicated.
                future.cancel()
                failure = failure or TimeoutError("JetStream did not acknowledge in time")
            elif future.exception() is not None:
                failure = failure or future.exception()  # type: ignore[assignment]
            else:
                published.append(row_id)
        return published, failure

    async def run(self, js: JetStreamContext, stop: asyncio.Event, wakeup: threading.Event) -> None:
        while not stop.is_set():
            wakeup.clear()
            try:
                while await self.relay_once(js) >= self.settings.batch:
                    pass
            except Exception:
                log.exception("stream.relay_error")
            await asyncio.to_thread(wakeup.wait, self.settings.poll_seconds)


def _take_relay_lock(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: BEGIN IMMEDIATE already serialises writers
    return bool(
        session.scalar(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": _RELAY_LOCK_ID})
    )


def consumer_config(settings: StreamSettings, target: Consumer) -> ConsumerConfig:
    subjects = [settings.nats_subject(s) for s in target.subjects]
    return ConsumerConfig(
        durable_name=target.name,
        name=target.name,
        ack_policy=AckPolicy.EXPLICIT,
        deliver_policy=DeliverPolicy.ALL,
        ack_wait=settings.ack_wait_seconds,
        max_deliver=settings.max_deliver,
        max_ack_pending=10_000,
        filter_subject=subjects[0] if len(subjects) == 1 else None,
        filter_subjects=subjects if len(subjects) > 1 else None,
    )


async def bind(
    js: JetStreamContext, settings: StreamSettings, target: Consumer
) -> JetStreamContext.PullSubscription:
    try:
        await js.consumer_info(settings.name, target.name)
    except NotFoundError:
        await js.add_consumer(settings.name, consumer_config(settings, target))
    return await js.pull_subscribe_bind(durable=target.name, stream=settings.name)


class Worker:
    """Pulls a consumer's messages in batches and applies them a transaction's worth at a time
    (``deliver_batch``), acking each message only after its transaction has committed."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: StreamSettings,
        targets: Iterable[Consumer],
        *,
        fetch: int | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.targets = tuple(targets)
        self.fetch = fetch or settings.fetch
        self.applied = 0

    async def run(
        self, js: JetStreamContext, stop: asyncio.Event, on_ready: Callable[[], None] | None = None
    ) -> None:
        subscriptions = [(t, await bind(js, self.settings, t)) for t in self.targets]
        if on_ready is not None:
            on_ready()
        await asyncio.gather(*(self._pull(t, s, stop) for t, s in subscriptions))

    async def _pull(
        self, target: Consumer, subscription: JetStreamContext.PullSubscription, stop: asyncio.Event
    ) -> None:
        while not stop.is_set():
            try:
                messages = await subscription.fetch(self.fetch, timeout=1)
            except (TimeoutError, nats.errors.TimeoutError):
                continue
            await self._handle(target, messages)

    async def _handle(self, target: Consumer, msgs: list[Msg]) -> None:
        claimed_at = time.monotonic()
        pending: list[tuple[Msg, StreamMessage]] = []
        for msg in msgs:
            try:
                pending.append((msg, StreamMessage.decode(msg.data, attempt=msg.metadata.num_delivered)))
            except (ValueError, KeyError, TypeError):
                log.error("stream.undecodable_message", extra={"subject": msg.subject})
                await msg.term()  # redelivering bytes we cannot read would only fail again
        while pending:
            messages = [message for _, message in pending]
            try:
                # Sessions are synchronous; a thread keeps the connection's heartbeats answered.
                outcomes = await asyncio.to_thread(
                    deliver_batch, self.sessions, target, messages,
                    budget_seconds=self.settings.batch_seconds,
                )
            except Exception as error:
                # The transaction did not commit: nothing was applied, every message goes back.
                for msg, message in pending:
                    await self._retry(target, msg, message, error)
                return
            for (msg, message), outcome in zip(pending, outcomes, strict=False):
                if isinstance(outcome, Exception):
                    await self._retry(target, msg, message, outcome)
                    continue
                self.applied += outcome
                await msg.ack()
            pending = pending[len(outcomes):]
            if pending and time.monotonic() - claimed_at > self.settings.ack_wait_seconds / 3:
                # Slow handlers: tell JetStream the rest of the fetch is being worked on, or it
                # would hand it to another worker after ack_wait (applied once, but done twice).
                for msg, _ in pending:
                    await msg.in_progress()
                claimed_at = time.monotonic()

    async def _retry(self, target: Consumer, msg: Msg, message: StreamMessage, error: Exception) -> None:
        log.warning(
            "stream.delivery_failed",
            exc_info=error,
            extra={"consumer": target.name, "key": message.key, "attempt": message.attempt},
        )
        await msg.nak(delay=min(2.0**message.attempt, 300.0))


async def run(
    sessions: sessionmaker[Session],
    settings: StreamSettings,
    targets: Iterable[Consumer],
    *,
    relay: bool,
    stop: asyncio.Event,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """A worker process's main: pull ``targets`` and, if asked, relay the outbox too."""
    client, js = await connect(settings)
    wakeup = threading.Event()
    outbox.add_wakeup(wakeup)
    tasks = [asyncio.create_task(Worker(sessions, settings, targets).run(js, stop, on_ready))]
    if relay:
        tasks.append(asyncio.create_task(Relay(sessions, settings).run(js, stop, wakeup)))
    stopper = asyncio.create_task(stop.wait())
    try:
        # A task that fails (say, the consumer cannot be bound) ends the worker, not only itself.
        await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        wakeup.set()
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, Exception):
                raise outcome
    finally:
        outbox.remove_wakeup(wakeup)
        stopper.cancel()
        for task in tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await client.close()


class RelayThread:
    """The API process's relay: publishes what its requests committed, on its own event loop."""

    def __init__(self, sessions: sessionmaker[Session], settings: StreamSettings) -> None:
        self.relay = Relay(sessions, settings)
        self.settings = settings
        self.wakeup = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="qinglang-relay", daemon=True)

    def start(self) -> None:
        outbox.add_wakeup(self.wakeup)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        outbox.remove_wakeup(self.wakeup)
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self.wakeup.set()
        self._thread.join(timeout)

    def _main(self) -> None:
        self._loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        while not self._stop.is_set():
            try:
                client, js = await connect(self.settings)
            except Exception:
                log.exception("stream.relay_connect_failed")
                await asyncio.to_thread(self.wakeup.wait, 5.0)
                continue
            try:
                await self.relay.run(js, self._stop, self.wakeup)
            finally:
                with contextlib.suppress(Exception):
                    await client.close()
