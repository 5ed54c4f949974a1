"""Fixtures for the stream tests: an effects table, dispatchers inside the test transaction,
committed sessions for tests that cross processes, and a private JetStream stream per test."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import make_sessionmaker, transaction
from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import Registry
from qinglang.stream.inprocess import InProcessDispatcher
from qinglang.stream.models import OutboxMessage, ProcessedMessage
from tests.stream.effects import EFFECTS, record_effect

NATS_HOST, NATS_PORT = "127.0.0.1", 4222


@pytest.fixture(scope="session")
def effects_table(engine: Engine) -> Iterator[sa.Table]:
    EFFECTS.create(engine, checkfirst=True)
    yield EFFECTS
    EFFECTS.drop(engine, checkfirst=True)


@pytest.fixture
def joined_sessions(db: Session) -> sessionmaker[Session]:
    """Sessions whose transactions are savepoints in the test's transaction (rolled back after)."""
    return sessionmaker(bind=db.get_bind(), join_transaction_mode="create_savepoint",
                        expire_on_commit=False)


@pytest.fixture
def effects_registry() -> Registry:
    registry = Registry()
    registry.register("effects", ("test.>",), record_effect)
    return registry


@pytest.fixture
def dispatcher(joined_sessions, effects_registry, effects_table) -> InProcessDispatcher:  # noqa: ANN001
    return InProcessDispatcher(joined_sessions, effects_registry, StreamSettings(max_deliver=3))


@pytest.fixture
def run_id() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
def committed(engine: Engine, effects_table: sa.Table, run_id: str) -> Iterator[sessionmaker[Session]]:
    """Real commits (other processes must see them), removed again after the test."""
    sessions = make_sessionmaker(engine)
    yield sessions
    with transaction(sessions) as session:
        session.execute(sa.delete(OutboxMessage).where(OutboxMessage.key.like(f"{run_id}%")))
        session.execute(sa.delete(ProcessedMessage).where(ProcessedMessage.key.like(f"{run_id}%")))
        session.execute(sa.delete(EFFECTS).where(EFFECTS.c.key.like(f"{run_id}%")))


def _nats_answers() -> bool:
    try:
        with socket.create_connection((NATS_HOST, NATS_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def jetstream_settings(run_id: str) -> Iterator[StreamSettings]:
    """A stream and subject space of this test's own, deleted afterwards."""
    if not _nats_answers():
        reason = f"NATS JetStream is not answering at {NATS_HOST}:{NATS_PORT}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    settings = StreamSettings(url=f"nats://{NATS_HOST}:{NATS_PORT}", name=f"QLTEST_{run_id}",
                              subject_prefix=f"qltest{run_id}", ack_wait_seconds=2.0,
                              max_deliver=5, poll_seconds=0.1)
    yield settings
    asyncio.run(_delete_stream(settings))


async def _delete_stream(settings: StreamSettings) -> None:
    import nats
    from nats.js.errors import NotFoundError

    client = await nats.connect(settings.url)
    try:
        await client.jetstream().delete_stream(settings.name)
    except NotFoundError:
        pass
    finally:
        await client.close()
