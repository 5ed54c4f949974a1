"""Candidate pools (R12.1): what a feed request ranks, precomputed so that no request scores the
whole content table.

A pool holds the newest recommendable posts (plus items staff pinned or boosted) with what
ranking needs as arrays: publication time, engagement, governance mode and interest tags. It
is rebuilt at most every ``feed_pool_seconds``; it may be a little stale, which is why every
request re-reads the governance mode and state of the items it is about to show (``ranking``).
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.content.models import ContentItem, ContentKind, ContentState
from qinglang.feed.models import Intervention
from qinglang.stream.models import ContentReach

RECOMMENDABLE = ("encourage", "neutral")
# R6.1: encouraged ("positive energy") content is boosted on every surface.
MODE_WEIGHT = {"encourage": 1.6, "neutral": 1.0}
_HASHTAG = re.compile(r"#([^#\s]{1,30})#|#(\w{1,30})")
_CHUNK = 900


def tags_of(title: str | None, body: str, author_id: int) -> tuple[str, ...]:
    """An item's interest tags: its hashtags (``#话题#`` or ``#word``) and its author."""
    text = f"{title or ''} {body}"
    found = {(a or b).lower() for a, b in _HASHTAG.findall(text)}
    return (*sorted(found)[:8], f"author:{author_id}")


@dataclass
class Pool:
    built_at: float
    ids: np.ndarray  # int64
    published: np.ndarray  # epoch seconds
    engagement: np.ndarray  # log-scaled reach
    mode_weight: np.ndarray
    tags: list[tuple[str, ...]]
    by_tag: dict[str, np.ndarray] = field(default_factory=dict)
    position: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.ids.size)


def build(session: Session, size: int, now: float | None = None) -> Pool:
    rows = session.execute(
        select(ContentItem.id, ContentItem.author_id, ContentItem.title, ContentItem.body,
               ContentItem.published_at, ContentItem.recommendation)
        .where(ContentItem.kind == ContentKind.POST, ContentItem.state == ContentState.PUBLISHED,
               ContentItem.recommendation.in_(RECOMMENDABLE))
        .order_by(ContentItem.id.desc()).limit(size)
    ).all()
    have = {row[0] for row in rows}
    # Items staff pinned or boosted belong in the pool however old they are (R12.2).
    promoted = set(session.scalars(select(Intervention.content_id).where(Intervention.revoked_at.is_(None),
                                                                          Intervention.action != "suppress")))
    extra = sorted(promoted - have)
    for start in range(0, len(extra), _CHUNK):
        rows += session.execute(
            select(ContentItem.id, ContentItem.author_id, ContentItem.title, ContentItem.body,
                   ContentItem.published_at, ContentItem.recommendation)
            .where(ContentItem.id.in_(extra[start:start + _CHUNK]), ContentItem.state == ContentState.PUBLISHED)
        ).all()
    ids = [row[0] for row in rows]
    reach: dict[int, float] = {}
    for start in range(0, len(ids), _CHUNK):
        for content_id, views, reposts, shares, replies in session.execute(
            select(ContentReach.content_id, ContentReach.views, ContentReach.reposts, ContentReach.shares,
                   ContentReach.replies).where(ContentReach.content_id.in_(ids[start:start + _CHUNK]))
        ):
            reach[content_id] = views + 3 * reposts + 3 * shares + 2 * replies
    tags = [tags_of(title, body, author_id) for _, author_id, title, body, _, _ in rows]
    by_tag: dict[str, list[int]] = {}
    for index, item_tags in enumerate(tags):
        for tag in item_tags:
            by_tag.setdefault(tag, []).append(index)
    now = now if now is not None else time.time()
    return Pool(
        built_at=now,
        ids=np.array(ids, dtype=np.int64),
        published=np.array([row[4].timestamp() if row[4] else now for row in rows], dtype=np.float64),
        engagement=np.array([math.log1p(reach.get(i, 0)) for i in ids], dtype=np.float64),
        mode_weight=np.array([MODE_WEIGHT.get(row[5], 1.0) for row in rows], dtype=np.float64),
        tags=tags,
        by_tag={tag: np.array(indices, dtype=np.int64) for tag, indices in by_tag.items()},
        position={content_id: index for index, content_id in enumerate(ids)},
    )


class PoolHolder:
    """One pool per database, rebuilt when older than ``ttl`` seconds (0: every request)."""

    def __init__(self) -> None:
        self._pools: dict[str, Pool] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, *, ttl: float, size: int) -> Pool:
        key = str(session.get_bind().engine.url)
        now = time.time()
        with self._lock:
            pool = self._pools.get(key)
        if pool is not None and ttl > 0 and now - pool.built_at < ttl:
            return pool
        pool = build(session, size, now)
        if ttl > 0:
            with self._lock:
                self._pools[key] = pool
        return pool

    def clear(self) -> None:
        with self._lock:
            self._pools.clear()


POOLS = PoolHolder()
