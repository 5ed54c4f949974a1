"""Consumers: named handlers of subjects, each message applied once per consumer.

A handler is ``handler(session, message) -> None``. ``deliver`` runs it in its own transaction
together with a ``processed_messages`` row for (consumer, key), so a redelivered message (a worker
died before acking, a relay published twice) finds that row and changes nothing.

Register with the decorator where the handler lives and list that module in
``CONSUMER_MODULES``::

    @consumer("inspection", subjects=("content.published", "engagement.>"))
    def inspect(session: Session, message: StreamMessage) -> None: ...
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import transaction
from qinglang.stream.models import OutboxMessage, ProcessedMessage

# Modules whose import registers consumers; one line per domain that consumes.
CONSUMER_MODULES = (
    "qinglang.stream.tasks",
    "qinglang.review.inspection",
    "qinglang.rumors.tasks",
    "qinglang.feed.tasks",
)

# Consumer names become JetStream durable names, which refuse dots, wildcards and spaces.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PATTERN_TOKEN = re.compile(r"^([A-Za-z0-9_-]+|\*|>)$")


@dataclass(frozen=True)
class StreamMessage:
    subject: str
    key: str
    payload: dict[str, Any]
    emitted_at: dt.datetime
    attempt: int = 1

    @classmethod
    def from_outbox(cls, row: OutboxMessage) -> StreamMessage:
        return cls(
            subject=row.subject,
            key=row.key,
            payload=row.payload,
            emitted_at=row.created_at,
            attempt=row.attempts + 1,
        )

    def encode(self) -> bytes:
        return orjson.dumps(
            {
                "subject": self.subject,
                "key": self.key,
                "payload": self.payload,
                "emitted_at": self.emitted_at.isoformat(),
            }
        )

    @classmethod
    def decode(cls, data: bytes, *, attempt: int = 1) -> StreamMessage:
        body = orjson.loads(data)
        return cls(
            subject=body["subject"],
            key=body["key"],
            payload=body["payload"],
            emitted_at=dt.datetime.fromisoformat(body["emitted_at"]),
            attempt=attempt,
        )


Handler = Callable[[Session, StreamMessage], None]


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS semantics: ``*`` matches one token, a final ``>`` one or more."""
    wanted, tokens = pattern.split("."), subject.split(".")
    for index, token in enumerate(wanted):
        if token == ">":
            return len(tokens) > index
        if index >= len(tokens) or (token != "*" and token != tokens[index]):
            return False
    return len(tokens) == len(wanted)


@dataclass(frozen=True)
class Consumer:
    name: str
    subjects: tuple[str, ...]
    handler: Handler

    def accepts(self, subject: str) -> bool:
        return any(subject_matches(pattern, subject) for pattern in self.subjects)


@dataclass
class Registry:
    consumers: dict[str, Consumer] = field(default_factory=dict)

    def register(self, name: str, subjects: Iterable[str], handler: Handler) -> Consumer:
        subjects = tuple(subjects)
        if not NAME_PATTERN.match(name):
            raise ValueError(f"consumer name {name!r}: letters, digits, '_' and '-' only")
        if not subjects:
            raise ValueError(f"consumer {name!r} listens to no subject")
        for pattern in subjects:
            tokens = pattern.split(".")
            if not all(_PATTERN_TOKEN.match(t) for t in tokens) or ">" in tokens[:-1]:
                raise ValueError(f"consumer {name!r}: invalid subject pattern {pattern!r}")
        existing = self.consumers.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"consumer {name!r} is already registered")
        self.consumers[name] = Consumer(name, subjects, handler)
        return self.consumers[name]

    def get(self, name: str) -> Consumer:
        try:
            return self.consumers[name]
        except KeyError:
            known = ", ".join(sorted(self.consumers)) or "none"
            raise KeyError(f"no consumer named {name!r} (registered: {known})") from None

    def matching(self, subject: str) -> list[Consumer]:
        return [c for c in self.consumers.values() if c.accepts(subject)]

    def __iter__(self) -> Iterator[Consumer]:
        return iter(self.consumers.values())


REGISTRY = Registry()


def register_consumer(
    name: str, subjects: Iterable[str], handler: Handler, *, registry: Registry = REGISTRY
) -> Consumer:
    return registry.register(name, subjects, handler)


def consumer(name: str, *, subjects: Iterable[str]) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        register_consumer(name, subjects, handler)
        return handler

    return decorate


def load_consumers(extra_modules: Iterable[str] = ()) -> Registry:
    for module in (*CONSUMER_MODULES, *extra_modules):
        importlib.import_module(module)
    return REGISTRY


def load_handler(reference: str) -> Handler:
    """``module:function`` → the function (for ad-hoc consumers and the benchmark)."""
    module, _, attribute = reference.partition(":")
    if not module or not attribute:
        raise ValueError(f"expected 'module:function', got {reference!r}")
    handler = getattr(importlib.import_module(module), attribute)
    if not callable(handler):
        raise ValueError(f"{reference} is not callable")
    return handler


def deliver(sessions: sessionmaker[Session], target: Consumer, message: StreamMessage) -> bool:
    """Apply ``message`` once: True if the handler ran, False if it had already been applied."""
    with transaction(sessions) as session:
        if session.get(ProcessedMessage, (target.name, message.key)) is not None:
            return False
        try:
            # Claim first: on PostgreSQL a concurrent delivery of the same key waits here for
            # ours to finish, then finds the row, instead of running the handler twice.
            with session.begin_nested():
                session.add(ProcessedMessage(consumer=target.name, key=message.key))
        except IntegrityError:
            return False
        target.handler(session, message)
    return True


# Per message of a batch: True (applied), False (had been applied) or what its handler raised.
Outcome = bool | Exception


def deliver_batch(
    sessions: sessionmaker[Session],
    target: Consumer,
    messages: Sequence[StreamMessage],
    *,
    budget_seconds: float = 0.1,
) -> list[Outcome]:
    """Apply the first messages of ``messages`` in one transaction, each once; returns the
    outcome of each message handled (at least one; the rest once ``budget_seconds`` are spent).

    Same guarantees as ``deliver``, one commit for many messages: each message's processed row
    and effects sit in a savepoint of their own, so a handler that raises loses only its own
    message's work (retry it) and the others still commit. The budget bounds how long the
    transaction (and, on SQLite, the write lock) is held and how much a killed worker redoes.
    """
    outcomes: list[Outcome] = []
    started = time.monotonic()
    with transaction(sessions) as session:
        keys = [message.key for message in messages]
        done = set(session.scalars(select(ProcessedMessage.key).where(
            ProcessedMessage.consumer == target.name, ProcessedMessage.key.in_(keys))))
        for message in messages:
            if outcomes and time.monotonic() - started >= budget_seconds:
                break
            if message.key in done:
                outcomes.append(False)
                continue
            savepoint = session.begin_nested()
            try:
                # Claim first, as ``deliver`` does: a concurrent delivery waits here, then skips.
                session.add(ProcessedMessage(consumer=target.name, key=message.key))
                session.flush()
            except IntegrityError:
                savepoint.rollback()
                outcomes.append(False)
                continue
            try:
                target.handler(session, message)
                session.flush()  # the handler's own write errors belong to its savepoint
                savepoint.commit()
            except Exception as error:  # noqa: BLE001 - reported to the caller, which retries it
                savepoint.rollback()
                outcomes.append(error)
                continue
            done.add(message.key)
            outcomes.append(True)
    return outcomes
