"""Storing content and reading it back. Every read path filters through ``visible_to``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, make_transient_to_detached

from qinglang.content.models import (
    VISIBLE_STATES,
    ContentItem,
    ContentKind,
    ContentState,
    ContentStateChange,
)
from qinglang.db import copy_rows, insert_rows, utcnow
from qinglang.errors import NotFound
from qinglang.rules.service import CitedRule

MAX_PAGE = 100


def visible_to(viewer_id: int | None) -> ColumnElement[bool]:
    """Others see published and limited items; authors also see their own held or pending ones.

    Private messages are visible to their two parties only, whatever their state.
    """
    public = ContentItem.state.in_(VISIBLE_STATES)
    if viewer_id is None:
        return and_(public, ContentItem.kind != ContentKind.MESSAGE)
    own = and_(
        ContentItem.author_id == viewer_id,
        ContentItem.state.notin_((ContentState.DELETED,)),
    )
    message_party = or_(ContentItem.author_id == viewer_id, ContentItem.recipient_id == viewer_id)
    return or_(
        own,
        and_(public, or_(ContentItem.kind != ContentKind.MESSAGE, message_party)),
    )


_PLACEMENT = ("title", "parent_id", "root_id", "recipient_id", "video_id", "offset_ms")


def draft(*, kind: ContentKind, author_id: int, body: str, **placement: Any) -> ContentItem:
    """A submission not stored yet: the pre-publication gate judges it before ``store_new``.
    Every placement column is set (None where absent), so the stored object reads nothing back."""
    return ContentItem(kind=kind, author_id=author_id, body=body, id=None,
                       **{**dict.fromkeys(_PLACEMENT), **placement})


_STORED_COLUMNS = ("kind", "author_id", "title", "body", "parent_id", "root_id", "recipient_id", "video_id",
                   "offset_ms", "state", "labels", "recommendation", "created_at", "published_at", "updated_at")


def store_new(session: Session, items: Sequence[ContentItem], *,
              reserved: Mapping[str, list[int]] | None = None) -> None:
    """Insert drafts (every column already set) in one multi-row statement and attach them to
    the session as persistent objects with their new IDs (``reserved`` ones, if given; see
    ``db.reserve_ids``), without reading them back."""
    if not items:
        return
    rows = [{column: getattr(item, column) for column in _STORED_COLUMNS} for item in items]
    ids = insert_rows(session, ContentItem.__table__, rows, reserved=reserved)
    for item, item_id in zip(items, ids, strict=True):
        item.id = item_id
        make_transient_to_detached(item)
        session.add(item)


def change_values(content_id: int, from_state: ContentState | None, to_state: ContentState, *, source: str,
                  at: dt.datetime, actor_id: int | None = None, reason: str | None = None,
                  rule: tuple[str | None, int | None] | None = None, details: dict | None = None) -> dict:
    """One row of an item's state history, for ``record_changes``."""
    return {"content_id": content_id, "from_state": from_state, "to_state": to_state, "source": source,
            "actor_id": actor_id, "reason": reason, "rule_id": rule[0] if rule else None,
            "rule_version": rule[1] if rule else None, "details": details or {}, "at": at}


def record_changes(session: Session, rows: Sequence[dict]) -> None:
    copy_rows(session, ContentStateChange.__table__, list(rows))


def transition(
    session: Session,
    item: ContentItem,
    to_state: ContentState,
    *,
    source: str,
    actor_id: int | None = None,
    reason: str | None = None,
    rule: CitedRule | None = None,
    details: dict | None = None,
) -> ContentStateChange:
    now = utcnow()
    change = ContentStateChange(
        content_id=item.id,
        from_state=item.state,
        to_state=to_state,
        source=source,
        actor_id=actor_id,
        reason=reason,
        rule_id=rule.rule_id if rule else None,
        rule_version=rule.version if rule else None,
        details=details or {},
        at=now,
    )
    if to_state in VISIBLE_STATES and item.published_at is None:
        item.published_at = now
    item.state = to_state
    item.updated_at = now
    session.add(change)
    session.flush()
    return change


def get_visible(session: Session, item_id: int, viewer_id: int | None) -> ContentItem:
    item = session.scalar(select(ContentItem).where(ContentItem.id == item_id, visible_to(viewer_id)))
    if item is None:
        # Hidden and missing look the same: a removed item's existence is not disclosed.
        raise NotFound(f"item {item_id} does not exist or is not visible", code="content_not_found")
    return item


def get(session: Session, item_id: int) -> ContentItem:
    item = session.get(ContentItem, item_id)
    if item is None:
        raise NotFound(f"item {item_id} does not exist", code="content_not_found")
    return item


def _page(statement: Any, before: int | None, limit: int) -> Any:
    if before is not None:
        statement = statement.where(ContentItem.id < before)
    return statement.order_by(ContentItem.id.desc()).limit(min(max(limit, 1), MAX_PAGE))


def posts(session: Session, viewer_id: int | None, *, before: int | None = None, limit: int = 20,
          author_id: int | None = None) -> list[ContentItem]:
    statement = select(ContentItem).where(ContentItem.kind == ContentKind.POST, visible_to(viewer_id))
    if author_id is not None:
        statement = statement.where(ContentItem.author_id == author_id)
    return list(session.scalars(_page(statement, before, limit)))


def replies(session: Session, post_id: int, viewer_id: int | None, *, limit: int = 100) -> list[ContentItem]:
    get_visible(session, post_id, viewer_id)
    statement = (
        select(ContentItem)
        .where(ContentItem.root_id == post_id, ContentItem.kind == ContentKind.REPLY, visible_to(viewer_id))
        .order_by(ContentItem.id)
        .limit(min(limit, 1000))
    )
    return list(session.scalars(statement))


def danmaku(session: Session, video_id: str, viewer_id: int | None, *, from_ms: int, to_ms: int,
            limit: int = 500) -> list[ContentItem]:
    statement = (
        select(ContentItem)
        .where(
            ContentItem.kind == ContentKind.DANMAKU,
            ContentItem.video_id == video_id,
            ContentItem.offset_ms >= from_ms,
            ContentItem.offset_ms < to_ms,
            visible_to(viewer_id),
        )
        .order_by(ContentItem.offset_ms, ContentItem.id)
        .limit(min(limit, 2000))
    )
    return list(session.scalars(statement))


def messages(session: Session, viewer_id: int, *, with_account: int | None = None,
             before: int | None = None, limit: int = 50) -> list[ContentItem]:
    statement = select(ContentItem).where(ContentItem.kind == ContentKind.MESSAGE, visible_to(viewer_id))
    if with_account is not None:
        statement = statement.where(
            or_(
                and_(ContentItem.author_id == viewer_id, ContentItem.recipient_id == with_account),
                and_(ContentItem.author_id == with_account, ContentItem.recipient_id == viewer_id),
            )
        )
    return list(session.scalars(_page(statement, before, limit)))


def history(session: Session, item_id: int) -> list[ContentStateChange]:
    return list(
        session.scalars(
            select(ContentStateChange).where(ContentStateChange.content_id == item_id).order_by(ContentStateChange.id)
        )
    )
