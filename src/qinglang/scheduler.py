"""Periodic work: delivering reports to the authorities (R14.4), escalating overdue complaints
(R13.4) and running post-review jobs (R9.5). The embedded default runs it in a thread of the
serving process; production can run ``qinglang worker`` processes instead
(QINGLANG_RUN_PERIODIC_TASKS=false on the API servers).

Each tick does a bounded amount of work, and every piece is resumable and idempotent, so a
crash or two workers at once lose and duplicate nothing.
"""

from __future__ import annotations

import logging
import threading

# At import, not in the first tick: these pull in httpx and more (~50 ms of CPU), which inside a
# serving process would stall every request in flight once, a few seconds after start.
from qinglang.authority import tasks as authority_tasks
from qinglang.complaints import service as complaints_service
from qinglang.db import transaction
from qinglang.review import tasks as review_tasks
from qinglang.runtime import Runtime

log = logging.getLogger(__name__)
BATCHES_PER_TICK = 5


def tick(runtime: Runtime) -> None:
    try:
        authority_tasks.deliver_pending(runtime.sessions)
    except Exception:  # one failing task must not stop the others; the next tick retries
        log.exception("report delivery failed")
    try:
        # R13.4: reports past their deadline go to the head of the review queue.
        with transaction(runtime.sessions) as session:
            complaints_service.escalate_overdue(session)
    except Exception:
        log.exception("complaint escalation failed")
    try:
        with runtime.sessions() as session:
            job_ids = review_tasks.pending_job_ids(session)
        for job_id in job_ids[:1]:
            review_tasks.run_job(runtime.sessions, runtime.settings, runtime.gate, job_id,
                                 max_batches=BATCHES_PER_TICK)
    except Exception:
        log.exception("re-review job failed")


class PeriodicTasks:
    def __init__(self, runtime: Runtime, interval: float = 5.0) -> None:
        self.runtime = runtime
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="qinglang-periodic", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            tick(self.runtime)
