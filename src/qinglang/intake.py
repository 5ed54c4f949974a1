"""Group commit for submissions: the edge that turns many HTTP requests into one transaction.

Every post, reply, message and danmaku is judged before publication (R9.4) and its verdict,
evidence and outbox message are durable before the author hears back. One transaction per
request would spend most of its time waiting for its own commit (an fsync), holding the
evidence chain head while it waits. Instead each process runs one intake thread:

    request ──► queue ──► intake thread: take everything waiting (up to ``intake_max_batch``)
                           ──► one transaction: authenticate all, ``pipeline.submit_many``, commit
                           ──► each request gets its item or its own refusal

A batch is whatever arrived while the previous one was being judged and committed, plus what
arrives in the next ``intake_gather_ms`` (2 ms): clients answered together come back together,
and per-batch costs (a dozen statements, one commit) dwarf per-item ones, so a lone request waits
at most that long and a busy server commits dozens per transaction. A refusal
(bad token, muted author, text too long) belongs to its request alone. If the transaction
itself fails, the batch's requests are retried one per transaction, so one poisoned request
cannot fail its neighbours and no request is answered before its own commit.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from qinglang import pipeline
from qinglang.content.models import ContentItem
from qinglang.errors import QinglangError
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.settings import Settings

log = logging.getLogger(__name__)

UnitOfWork = Callable[[], AbstractContextManager[Session]]


@dataclass
class _Request:
    token: str
    draft: pipeline.Draft
    future: Future = field(default_factory=Future)


@dataclass
class IntakeStats:
    batches: int = 0
    submissions: int = 0
    largest_batch: int = 0
    retried_alone: int = 0


class Intake:
    """Judges and commits submissions in batches. ``threaded=False`` judges each submission in
    the caller's thread as a batch of one (tests run it inside their rolled-back transaction)."""

    def __init__(self, unit_of_work: UnitOfWork, settings: Settings, gate: pipeline.Gate, *,
                 threaded: bool = True) -> None:
        self._unit_of_work = unit_of_work
        self._settings = settings
        self._gate = gate
        self._threaded = threaded
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.stats = IntakeStats()

    def start(self) -> None:
        with self._lock:
            if self._threaded and not self._threads:
                count = 1 if self._settings.is_sqlite else self._settings.intake_threads
                self._threads = [threading.Thread(target=self._run, name=f"qinglang-intake-{n}", daemon=True)
                                 for n in range(count)]
                for thread in self._threads:
                    thread.start()

    def stop(self) -> None:
        """Finish what is queued, then stop."""
        with self._lock:
            threads, self._threads = self._threads, []
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join()

    def submit(self, token: str, draft: pipeline.Draft) -> Future:
        """A future of the stored item (or of the error refusing it), set after commit."""
        request = _Request(token, draft)
        if not self._threaded:
            self._process([request])
        else:
            if not self._threads:
                self.start()
            self._queue.put(request)
        return request.future

    async def submit_async(self, token: str, draft: pipeline.Draft) -> ContentItem:
        return await asyncio.wrap_future(self.submit(token, draft))

    def _run(self) -> None:
        limit = self._settings.intake_max_batch
        gather = self._settings.intake_gather_ms / 1000
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stopping = False
            # Clients answered by the last batch send their next requests within a millisecond
            # or two; waiting that long for them turns many small batches into one.
            deadline = time.monotonic() + gather
            while len(batch) < limit:
                try:
                    remaining = deadline - time.monotonic()
                    waiting = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if waiting is None:
                    stopping = True
                    break
                batch.append(waiting)
            self._process(batch)
            if stopping:
                return

    def _process(self, batch: list[_Request]) -> None:
        try:
            with self._unit_of_work() as session:
                outcomes = self._judge(session, batch)
        except Exception as error:  # the transaction failed as a whole: nothing of it was stored
            if len(batch) > 1:
                with self._lock:
                    self.stats.retried_alone += len(batch)
                log.warning("a batch of %d submissions failed (%s); retrying them one by one", len(batch), error)
                for request in batch:
                    self._process([request])
            else:
                batch[0].future.set_exception(error)
            return
        with self._lock:
            self.stats.batches += 1
            self.stats.submissions += len(batch)
            self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
        for request, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, QinglangError):
                request.future.set_exception(outcome)
            else:
                request.future.set_result(outcome)

    def _judge(self, session: Session, batch: list[_Request]) -> list[ContentItem | QinglangError]:
        accounts = identity_service.authenticate_many(session, [request.token for request in batch])
        outcomes: list[ContentItem | QinglangError] = []
        admitted: list[tuple[int, pipeline.Submission]] = []
        for request in batch:
            account = accounts[request.token]
            if isinstance(account, Account):
                admitted.append((len(outcomes), pipeline.Submission(account, request.draft)))
            outcomes.append(account)  # a refusal stays; an admitted position is overwritten below
        submitted = pipeline.submit_many(session, self._settings, self._gate, [s for _, s in admitted])
        for (position, _), outcome in zip(admitted, submitted, strict=True):
            outcomes[position] = outcome
        return outcomes
