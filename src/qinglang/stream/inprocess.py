"""The embedded transport: the process that committed delivers its outbox to the handlers itself.

A background thread waits for a wake-up (a transaction that emitted has committed) or the poll
interval, then delivers every pending message to each matching consumer in id order and marks it
sent. Several processes may run one on the same database: ``deliver`` makes a double delivery
harmless.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import transaction
from qinglang.stream import outbox
from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import Registry, StreamMessage, deliver

log = logging.getLogger(__name__)


class InProcessDispatcher:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        registry: Registry,
        settings: StreamSettings,
        *,
        read_sessions: sessionmaker[Session] | None = None,
    ) -> None:
        self.sessions = sessions
        # Polling reads through a view that takes no SQLite write lock: an idle poll must not
        # queue behind (or hold up) the requests.
        self.read_sessions = read_sessions or sessions
        self.registry = registry
        self.settings = settings
        self.wakeup = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def drain(self) -> int:
        """Deliver everything pending now; returns how many messages were handed over."""
        handed = 0
        while True:
            with transaction(self.read_sessions) as session:
                batch = [
                    (row.id, StreamMessage.from_outbox(row))
                    for row in outbox.pending(session, self.settings.batch)
                ]
            if not batch:
                return handed
            for message_id, message in batch:
                if self._stop.is_set():
                    return handed
                handed += self._dispatch(message_id, message)

    def _dispatch(self, message_id: int, message: StreamMessage) -> int:
        try:
            for target in self.registry.matching(message.subject):
                deliver(self.sessions, target, message)
        except Exception as error:  # noqa: BLE001 - a handler's failure must not stop the others
            with transaction(self.sessions) as session:
                set_aside = outbox.record_failure(
                    session, message_id, repr(error), max_attempts=self.settings.max_deliver
                )
            log.warning(
                "stream.delivery_failed",
                exc_info=True,
                extra={"key": message.key, "subject": message.subject, "set_aside": set_aside},
            )
            return 0
        with transaction(self.sessions) as session:
            outbox.mark_sent(session, [message_id])
        return 1

    def start(self) -> None:
        outbox.add_wakeup(self.wakeup)
        self._thread = threading.Thread(target=self._run, name="qinglang-stream", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.wakeup.set()
        outbox.remove_wakeup(self.wakeup)
        if self._thread is not None:
            self._thread.join(timeout)

    def run_forever(self) -> None:
        """The CLI's foreground loop (``qinglang stream worker`` without a broker)."""
        outbox.add_wakeup(self.wakeup)
        try:
            self._run()
        finally:
            outbox.remove_wakeup(self.wakeup)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.wakeup.clear()
            try:
                self.drain()
            except Exception:  # noqa: BLE001 - a lost database connection is retried next round
                log.exception("stream.dispatcher_error")
            self.wakeup.wait(self.settings.poll_seconds)
