"""Sending notices (idempotently) and reading an inbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qinglang.db import copy_rows, utcnow
from qinglang.notices.models import Notice


def send(
    session: Session, account_id: int, *, kind: str, title: str, body: str, dedupe_key: str, data: dict | None = None
) -> Notice | None:
    """Send a notice unless one with the same ``dedupe_key`` was already sent to this account."""
    existing = session.scalar(select(Notice.id).where(Notice.account_id == account_id, Notice.dedupe_key == dedupe_key))
    if existing is not None:
        return None
    notice = Notice(**_values(account_id=account_id, kind=kind, title=title, body=body, dedupe_key=dedupe_key,
                              data=data))
    session.add(notice)
    session.flush()
    return notice


def send_new(session: Session, notices: Sequence[dict], *, at: dt.datetime | None = None) -> None:
    """Send notices (each the keyword arguments of ``send``) whose dedupe keys cannot have been
    used yet, such as a decision made in this transaction: one statement, no look-ups."""
    at = at or utcnow()
    copy_rows(session, Notice.__table__, [{**_values(**notice), "created_at": at, "read_at": None}
                                          for notice in notices])


def _values(*, account_id: int, kind: str, title: str, body: str, dedupe_key: str, data: dict | None) -> dict:
    return dict(account_id=account_id, kind=kind, title=title[:200], body=body, data=data or {},
                dedupe_key=dedupe_key[:200])


def inbox(
    session: Session, account_id: int, *, kind: str | None = None, before: int | None = None, limit: int = 50
) -> tuple[list[Notice], int]:
    statement = select(Notice).where(Notice.account_id == account_id)
    if kind:
        statement = statement.where(Notice.kind == kind)
    if before:
        statement = statement.where(Notice.id < before)
    items = list(session.scalars(statement.order_by(Notice.id.desc()).limit(limit)))
    unread = (
        session.scalar(select(func.count(Notice.id)).where(Notice.account_id == account_id, Notice.read_at.is_(None)))
        or 0
    )
    return items, unread


def mark_read(session: Session, account_id: int, up_to_id: int) -> int:
    return session.execute(
        update(Notice)
        .where(Notice.account_id == account_id, Notice.id <= up_to_id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
