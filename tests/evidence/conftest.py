"""A database of the suite's engine with nothing in its evidence chain, so that a test sees the
whole chain it checks; and the means to tamper with it as an attacker with SQL access would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from qinglang import migrations
from qinglang.db import make_engine
from qinglang.settings import Settings


def fresh_database(settings: Settings, folder) -> Iterator[Engine]:  # noqa: ANN001
    if settings.is_sqlite:
        engine = make_engine(f"sqlite:///{folder / f'evidence-{uuid.uuid4().hex[:8]}.db'}")
        migrations.upgrade(engine)
        yield engine
        engine.dispose()
        return
    admin = make_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    name = f"qinglang_evidence_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        migrations.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="package")
def evidence_engine(settings: Settings, engine: Engine, tmp_path_factory) -> Iterator[Engine]:  # noqa: ANN001
    # ``engine`` first: it skips the run when PostgreSQL is unreachable, and resets it.
    yield from fresh_database(settings, tmp_path_factory.mktemp("evidence"))


@pytest.fixture
def chain_db(evidence_engine: Engine) -> Iterator[Session]:
    """Like ``db``: commits are savepoints, everything is rolled back after the test."""
    connection = evidence_engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint",
                      expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


def disable_guards(session: Session) -> None:
    """Switch off the append-only triggers inside the test's transaction (rolled back after)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("ALTER TABLE evidence_records DISABLE TRIGGER USER"))
        session.execute(sa.text("ALTER TABLE evidence_chain_head DISABLE TRIGGER USER"))
        session.execute(sa.text("ALTER TABLE evidence_checkpoints DISABLE TRIGGER USER"))
        return
    for name in ("evidence_records_no_update", "evidence_records_retention",
                 "evidence_records_link", "evidence_records_advance",
                 "evidence_chain_head_forward", "evidence_chain_head_no_delete",
                 "evidence_checkpoints_no_update", "evidence_checkpoints_no_delete"):
        session.execute(sa.text(f"DROP TRIGGER {name}"))
