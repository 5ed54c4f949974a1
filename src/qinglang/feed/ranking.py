"""Ranking the three surfaces under governance (R12.1, R12.2, R6.1).

Every request consults the governance mode of what it is about to show, from the database, not
from the pool: prohibit is never shown; resist is kept off the home feed and the hot list (and
ranked last in search, which the user asked for); encourage is boosted. Minors never get items
labelled ``not_for_minors`` or decided under ``bad.minor_harm``. Staff interventions pin, boost
or suppress per surface until they expire or are revoked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.content.models import VISIBLE_STATES, ContentItem, ContentKind, ContentState
from qinglang.feed import service as feed_service
from qinglang.feed.models import FeedSurface, InterestTag, InterventionAction
from qinglang.feed.pool import MODE_WEIGHT, POOLS, Pool
from qinglang.policy.models import Decision
from qinglang.settings import Settings

MINOR_LABEL = "not_for_minors"
MINOR_CATEGORY = "bad.minor_harm"
MAX_SEARCH_SCAN = 300


@dataclass(frozen=True)
class Viewer:
    account_id: int | None
    # Unknown age counts as a minor: protecting a minor wrongly costs less than the reverse.
    minor: bool
    personalised: bool = False


def _minor_harm(session: Session, ids: list[int]) -> set[int]:
    """Items any decision put under ``bad.minor_harm`` (a reviewer may not have labelled them)."""
    if not ids:
        return set()
    harmful = set()
    for content_id, verdict in session.execute(select(Decision.content_id, Decision.verdict)
                                               .where(Decision.content_id.in_(ids))):
        if any(reason.get("category") == MINOR_CATEGORY for reason in (verdict or {}).get("reasons", [])):
            harmful.add(content_id)
    return harmful


def _allowed(item: ContentItem, surface: str, viewer: Viewer, harmful: set[int]) -> bool:
    if item.kind != ContentKind.POST or item.recommendation == "prohibit":
        return False
    if surface == FeedSurface.SEARCH:
        if item.state not in VISIBLE_STATES:
            return False
    elif item.state != ContentState.PUBLISHED or item.recommendation not in MODE_WEIGHT:
        return False
    return not (viewer.minor and (MINOR_LABEL in item.labels or item.id in harmful))


def _govern(session: Session, surface: str, viewer: Viewer, ranked: list[int], pins: list[int],
            hidden: set[int], limit: int, offset: int = 0) -> list[ContentItem]:
    """The current state of the ranked candidates decides what is shown, in this request."""
    wanted = list(dict.fromkeys([*pins, *ranked]))
    items = feed_service.items_by_id(session, wanted)
    harmful = _minor_harm(session, wanted) if viewer.minor else set()
    shown = [items[i] for i in wanted
             if i in items and i not in hidden and _allowed(items[i], surface, viewer, harmful)]
    if surface == FeedSurface.SEARCH:
        # Stable: resisted items keep their order among themselves, after everything else.
        shown.sort(key=lambda item: item.recommendation == "resist")
    page = shown[offset:offset + limit]
    if viewer.account_id is not None and page:
        feed_service.record_exposures(session, viewer.account_id, [i.id for i in page], surface)
    return page


def _interventions(session: Session, surface: str, pool: Pool, scores: np.ndarray) -> list[int]:
    """Apply boosts and suppressions to the scores; return the pinned items (suppression wins)."""
    active = feed_service.active_interventions(session, surface)
    suppressed = {i.content_id for i in active if i.action == InterventionAction.SUPPRESS}
    pins = []
    for intervention in active:
        index = pool.position.get(intervention.content_id)
        if intervention.action == InterventionAction.PIN and intervention.content_id not in suppressed:
            pins.append(intervention.content_id)
        elif intervention.action == InterventionAction.BOOST and index is not None:
            scores[index] *= 1.0 + max(intervention.weight, 0.0)
        elif intervention.action == InterventionAction.SUPPRESS and index is not None:
            scores[index] = -np.inf
    return pins


def _top(pool: Pool, scores: np.ndarray, count: int) -> list[int]:
    count = min(count, len(pool))
    if count <= 0:
        return []
    chosen = np.argpartition(-scores, count - 1)[:count]
    chosen = chosen[np.argsort(-scores[chosen], kind="stable")]
    return [int(pool.ids[i]) for i in chosen if np.isfinite(scores[i])]


def _pool(session: Session, settings: Settings) -> Pool:
    return POOLS.get(session, ttl=settings.feed_pool_seconds, size=settings.feed_pool_size)


def home(session: Session, settings: Settings, viewer: Viewer, *, limit: int = 20, offset: int = 0
         ) -> list[ContentItem]:
    """Fresh, engaging posts; with personalisation on, weighted by the viewer's interest tags."""
    pool = _pool(session, settings)
    if not len(pool):
        return []
    age_hours = np.maximum(time.time() - pool.published, 0.0) / 3600.0
    engagement = pool.engagement / max(float(pool.engagement.max()), 1.0)
    scores = (0.6 * np.exp(-age_hours / 24.0) + 0.4 * engagement) * pool.mode_weight
    if viewer.personalised and viewer.account_id is not None:
        bonus = np.zeros(len(pool))
        for tag, weight in session.execute(select(InterestTag.tag, InterestTag.weight)
                                           .where(InterestTag.account_id == viewer.account_id)):
            indices = pool.by_tag.get(tag)
            if indices is not None:
                bonus[indices] += weight
        scores = scores * (1.0 + 0.8 * np.tanh(bonus / 4.0))
    pins = _interventions(session, FeedSurface.FEED, pool, scores)
    hidden = feed_service.hidden_for(session, viewer.account_id) if viewer.account_id is not None else set()
    ranked = _top(pool, scores, 3 * (limit + offset) + len(hidden) + 20)
    return _govern(session, FeedSurface.FEED, viewer, ranked, pins, hidden, limit, offset)


def hot(session: Session, settings: Settings, viewer: Viewer, *, limit: int = 20) -> list[ContentItem]:
    """What spreads now: engagement with gravity on age; the same for everyone."""
    pool = _pool(session, settings)
    if not len(pool):
        return []
    age_hours = np.maximum(time.time() - pool.published, 0.0) / 3600.0
    scores = pool.engagement / np.power(age_hours + 2.0, 1.5) * pool.mode_weight
    scores[pool.engagement <= 0] = -np.inf  # nothing anybody engaged with is "hot"
    pins = _interventions(session, FeedSurface.HOT, pool, scores)
    hidden = feed_service.hidden_for(session, viewer.account_id) if viewer.account_id is not None else set()
    ranked = _top(pool, scores, 3 * limit + len(hidden) + 20)
    return _govern(session, FeedSurface.HOT, viewer, ranked, pins, hidden, limit)


def search(session: Session, settings: Settings, viewer: Viewer, q: str, *, limit: int = 20) -> list[ContentItem]:
    """Posts whose title or body contain the words, newest first, governed like the feeds."""
    words = [w for w in q.split() if w][:5]
    statement = select(ContentItem.id).where(ContentItem.kind == ContentKind.POST,
                                             ContentItem.state.in_(VISIBLE_STATES))
    for word in words:
        statement = statement.where(ContentItem.body.contains(word, autoescape=True)
                                    | ContentItem.title.contains(word, autoescape=True))
    ranked = list(session.scalars(statement.order_by(ContentItem.id.desc()).limit(MAX_SEARCH_SCAN)))
    suppressed = {i.content_id for i in feed_service.active_interventions(session, FeedSurface.SEARCH)
                  if i.action == InterventionAction.SUPPRESS}
    pins = [i.content_id for i in feed_service.active_interventions(session, FeedSurface.SEARCH)
            if i.action == InterventionAction.PIN and i.content_id in ranked]
    return _govern(session, FeedSurface.SEARCH, viewer, [i for i in ranked if i not in suppressed], pins,
                   suppressed, limit)
