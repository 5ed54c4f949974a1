"""Engagement events in, reach counters out.

A request only emits ``engagement.<type>``; the ``reach`` consumer (``tasks.py``) counts it
after commit, so a burst of views never contends on one counter row inside user requests.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qinglang.content import service as content_service
from qinglang.db import utcnow
from qinglang.identity.models import Account
from qinglang.stream.models import ContentReach, EngagementType, Surface
from qinglang.stream.outbox import emit

REACH_COLUMNS = ("views", "reposts", "shares", "replies")


def record_engagement(
    session: Session, account: Account, item_id: int, kind: EngagementType, surface: Surface
) -> str:
    """Emit one engagement event for an item the caller can see; returns the event key."""
    item = content_service.get_visible(session, item_id, account.id)
    # Each view is its own event: the key names the event, so retries of *delivery* dedupe but
    # two real views count twice.
    key = f"engagement.{kind.value}:{item.id}:{uuid.uuid4().hex}"
    emit(
        session,
        f"engagement.{kind.value}",
        {
            "content_id": item.id,
            "content_kind": item.kind,
            "author_id": item.author_id,
            "account_id": account.id,
            "type": kind.value,
            "surface": surface.value,
            "at": utcnow().isoformat(),
        },
        key=key,
    )
    return key


def add_reach(session: Session, content_id: int, **increments: int) -> None:
    """Add to an item's counters in one statement (no read-modify-write race between workers)."""
    unknown = set(increments) - set(REACH_COLUMNS)
    if unknown:
        raise ValueError(f"unknown reach counters: {sorted(unknown)}")
    values = {name: increments.get(name, 0) for name in REACH_COLUMNS}
    now = utcnow()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(ContentReach).values(content_id=content_id, updated_at=now, **values)
    table = ContentReach.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=["content_id"],
        set_={
            **{name: table[name] + statement.excluded[name] for name in REACH_COLUMNS},
            "updated_at": now,
        },
    )
    session.execute(statement)


def reach(session: Session, content_id: int) -> ContentReach | None:
    return session.scalar(select(ContentReach).where(ContentReach.content_id == content_id))
