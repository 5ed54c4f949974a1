"""Engine, sessions and the portable column types shared by every domain's models.

SQLite (embedded) and PostgreSQL (production) run the same migrations. On SQLite we take over
transaction control from the driver so that SAVEPOINTs work (per-test rollback, nested
transactions) and so that writers start with ``BEGIN IMMEDIATE``: a deferred transaction that
reads first and writes later can fail with "database is locked" no matter the busy timeout.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, Table, create_engine, event, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic alter them on both engines (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_WRITE_WAIT_SECONDS = 30

# SQLite only auto-increments an INTEGER PRIMARY KEY, not BIGINT.
BigId = BigInteger().with_variant(Integer, "sqlite")
JSONDoc = JSON().with_variant(JSONB, "postgresql")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on both engines (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use qinglang.db.utcnow()")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    # Multi-row inserts go out as psycopg's pipelined executemany of one prepared statement:
    # PostgreSQL plans it once. SQLAlchemy's default folds the rows into one long VALUES
    # statement, different for every batch size, which the server plans afresh each time and
    # the driver re-parses (most of a batch's database CPU). IDs needed up front come from
    # ``insert_rows`` instead of RETURNING.
    kwargs.setdefault("use_insertmanyvalues", False)
    kwargs.setdefault("json_serializer", _json_text)
    return create_engine(url, **kwargs)


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def reserve_ids(session: Session, counts: Mapping[Table, int]) -> dict[str, list[int]]:
    """New IDs for rows about to go into several tables, in one round trip, ascending per table
    (for ``insert_rows``). Only PostgreSQL reserves them; elsewhere the answer is empty and the
    inserts return their own."""
    wanted = {table.name: count for table, count in counts.items() if count > 0}
    if not wanted or session.get_bind().dialect.name != "postgresql":
        return {}
    reserved: dict[str, list[int]] = {name: [] for name in wanted}
    for name, new_id in session.execute(_RESERVE, {"names": list(wanted), "counts": list(wanted.values())}):
        reserved[name].append(new_id)
    return {name: sorted(ids) for name, ids in reserved.items()}


# The same text whatever the tables and counts, so PostgreSQL prepares it once.
_RESERVE = text(
    "SELECT t.name, nextval(pg_get_serial_sequence(t.name, 'id')) "
    "FROM unnest(CAST(:names AS text[]), CAST(:counts AS integer[])) AS t(name, count) "
    "CROSS JOIN LATERAL generate_series(1, t.count)"
)


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]], *,
                reserved: Mapping[str, list[int]] | None = None) -> list[int]:
    """Insert ``rows`` into ``table``; their new IDs, in order.

    On PostgreSQL the IDs come from the table's sequence first (``reserved`` for it, or one
    query) and the rows go in by ``COPY`` (``copy_rows``); SQLite returns them from a multi-row
    INSERT."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(statement, rows).scalars())
    ids = (reserved or {}).get(table.name) or reserve_ids(session, {table: len(rows)})[table.name]
    copy_rows(session, table, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
    return ids


def copy_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Append rows (all with the same keys) as one batch.

    PostgreSQL gets them by ``COPY``: about a fifth of the client CPU of an executemany and less
    work for the server, which matters when every submission writes five rows. Values go through
    each column's own bind processing first (JSON text, UTC timestamps), so what is stored is
    what an INSERT would have stored; row triggers fire as for INSERT."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    processed = [(position, process) for position, name in enumerate(columns)
                 if (process := table.c[name].type.bind_processor(connection.dialect)) is not None]
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            values = [row[name] for name in columns]
            for position, process in processed:
                if values[position] is not None:
                    values[position] = process(values[position])
            copy.write_row(values)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    # SQLite has one writer. Queueing this process's writers on a lock is fairer and far faster
    # than letting them poll SQLite's busy handler, which sleeps in growing steps (p99 of
    # seconds under load). Other processes still meet the busy timeout.
    write_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not conn.get_execution_options().get("qinglang_write", True):
            conn.exec_driver_sql("BEGIN")
            return
        if not write_lock.acquire(timeout=SQLITE_WRITE_WAIT_SECONDS):
            raise TimeoutError("waited too long for the SQLite write lock")
        conn.info["qinglang_write_lock"] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn)
            raise

    def _release(conn: Any) -> None:
        if conn.info.pop("qinglang_write_lock", False):
            write_lock.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: routes commit before the response is serialised.
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def read_only(engine: Engine) -> Engine:
    """An engine view whose SQLite transactions do not take the write lock."""
    return engine.execution_options(qinglang_write=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """The unit of work of a CLI command or task: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
