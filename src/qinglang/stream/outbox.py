"""The transactional outbox: messages ride in the emitting transaction and leave after commit.

``emit`` only inserts a row. A rollback drops it with everything else the transaction did, so no
consumer ever hears of a change that did not happen. When a transaction that emitted commits,
every registered wake-up event is set so a transport can deliver at once instead of at its next
poll.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qinglang.db import copy_rows, utcnow
from qinglang.errors import InvalidInput
from qinglang.stream.models import OutboxMessage

SUBJECT_PATTERN = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
MAX_KEY_LENGTH = 200
_EMITTED = "qinglang_stream_emitted"
_wakeups: set[threading.Event] = set()
_wakeups_lock = threading.Lock()


def emit(session: Session, subject: str, payload: dict[str, Any], *, key: str) -> None:
    """Queue ``payload`` on ``subject`` for delivery after the caller's transaction commits.

    ``key`` identifies the event, not the delivery (``content.published:123``): emitting the
    same key again is a no-op, and consumers record it to apply each message once.
    """
    emit_many(session, [(subject, payload, key)])


def emit_many(session: Session, messages: Sequence[tuple[str, dict[str, Any], str]], *, fresh: bool = False) -> None:
    """``emit`` for several ``(subject, payload, key)`` messages in one statement. ``fresh`` keys
    cannot have been emitted before (they name something this transaction created), so the rows
    are copied in without the conflict check."""
    now = utcnow()
    rows = []
    for subject, payload, key in messages:
        if not SUBJECT_PATTERN.match(subject):
            raise InvalidInput(f"invalid stream subject {subject!r}", code="invalid_subject")
        if not key or len(key) > MAX_KEY_LENGTH:
            raise InvalidInput(f"stream keys are 1-{MAX_KEY_LENGTH} characters", code="invalid_key")
        rows.append({"key": key, "subject": subject, "payload": payload, "created_at": now, "available_at": now,
                     "attempts": 0})
    if not rows:
        return
    if fresh:
        copy_rows(session, OutboxMessage.__table__, rows)
    else:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        # ON CONFLICT rather than check-then-insert: two transactions emitting the same key at
        # once must not make the second one fail at commit.
        session.execute(insert(OutboxMessage).on_conflict_do_nothing(index_elements=["key"]), rows)
    session.info[_EMITTED] = True


def add_wakeup(signal: threading.Event) -> None:
    with _wakeups_lock:
        _wakeups.add(signal)


def remove_wakeup(signal: threading.Event) -> None:
    with _wakeups_lock:
        _wakeups.discard(signal)


@event.listens_for(Session, "after_commit")
def _wake_transports(session: Session) -> None:
    if session.info.pop(_EMITTED, False):
        with _wakeups_lock:
            for signal in _wakeups:
                signal.set()


@event.listens_for(Session, "after_soft_rollback")
def _forget_emitted(session: Session, _previous: Any) -> None:
    session.info.pop(_EMITTED, None)


def pending(
    session: Session, limit: int, *, now: dt.datetime | None = None
) -> Sequence[OutboxMessage]:
    """Committed messages not yet handed over, oldest first, skipping those waiting to retry."""
    statement = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.available_at <= (now or utcnow()),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return session.scalars(statement).all()


def mark_sent(session: Session, ids: Sequence[int]) -> None:
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))
            .values(sent_at=utcnow())
        )


def record_failure(session: Session, message_id: int, error: str, *, max_attempts: int) -> bool:
    """Count a failed attempt and back off; returns True when the message is set aside."""
    row = session.get(OutboxMessage, message_id)
    if row is None or row.sent_at is not None:
        return False
    row.attempts += 1
    row.last_error = error[:2000]
    now = utcnow()
    # Exponential backoff capped at five minutes keeps a poisoned message from spinning.
    row.available_at = now + dt.timedelta(seconds=min(2**row.attempts, 300))
    if row.attempts >= max_attempts:
        row.failed_at = now
    session.flush()
    return row.failed_at is not None


def retry_failed(session: Session) -> int:
    """Put set-aside messages back in line (after the cause is fixed)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.sent_at.is_(None))
        .values(failed_at=None, attempts=0, available_at=utcnow())
    )
    return int(result.rowcount or 0)


def counts(session: Session) -> dict[str, int]:
    sent = OutboxMessage.sent_at.is_not(None)
    failed = OutboxMessage.failed_at.is_not(None) & OutboxMessage.sent_at.is_(None)
    rows = session.execute(
        select(func.count(), func.count().filter(sent), func.count().filter(failed)).select_from(
            OutboxMessage
        )
    ).one()
    total, sent_count, failed_count = (int(v) for v in rows)
    return {
        "pending": total - sent_count - failed_count,
        "sent": sent_count,
        "failed": failed_count,
    }
