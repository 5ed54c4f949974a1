"""A consumer for the stream tests: one row per application of a message, and nothing unique,
so a message applied twice shows up as two rows. Worker subprocesses load it with
``--handler tests.stream.effects:record_effect``."""

from __future__ import annotations

import os
import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from qinglang.stream.consumers import StreamMessage

# Not on qinglang.db.Base: the migrations must not know about a table only tests create.
EFFECTS = sa.Table(
    "stream_test_effects",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
)


class Refused(Exception):
    pass


def record_effect(session: Session, message: StreamMessage) -> None:
    session.execute(EFFECTS.insert().values(key=message.key, pid=os.getpid()))
    if message.payload.get("fail"):
        raise Refused(f"told to fail on {message.key}")
    # Slows the worker down so the fault test can kill it half-way through.
    time.sleep(float(os.environ.get("QINGLANG_TEST_EFFECT_DELAY", "0")))


def effect_keys(session: Session, prefix: str) -> list[str]:
    rows = session.execute(sa.select(EFFECTS.c.key).where(EFFECTS.c.key.like(f"{prefix}%")))
    return sorted(key for (key,) in rows)
