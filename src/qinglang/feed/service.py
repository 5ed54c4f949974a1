"""What users choose about their feed (R12.3), what they were shown (exposures), what their
behaviour says they like (interest tags), and staff interventions (R12.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from qinglang.content import service as content_service
from qinglang.content.models import ContentItem, ContentState
from qinglang.db import utcnow
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.evidence import service as evidence_service
from qinglang.feed.models import (
    Exposure,
    FeedPreference,
    InterestTag,
    Intervention,
    InterventionAction,
    NotInterested,
)
from qinglang.feed.pool import tags_of

# How much one signal moves an interest; "not interested" weighs more than a view.
SIGNAL_WEIGHTS = {"view": 1.0, "repost": 3.0, "share": 3.0, "not_interested": -4.0}
MAX_INTERVENTION_DAYS = 30
MAX_TAGS_SHOWN = 200


def personalised(session: Session, account_id: int) -> bool:
    preference = session.get(FeedPreference, account_id)
    return True if preference is None else preference.personalised


def set_personalised(session: Session, account_id: int, value: bool) -> FeedPreference:
    preference = session.get(FeedPreference, account_id)
    if preference is None:
        preference = FeedPreference(account_id=account_id)
        session.add(preference)
    preference.personalised, preference.updated_at = value, utcnow()
    session.flush()
    return preference


def interests(session: Session, account_id: int) -> list[InterestTag]:
    return list(session.scalars(select(InterestTag).where(InterestTag.account_id == account_id)
                                .order_by(InterestTag.weight.desc(), InterestTag.tag).limit(MAX_TAGS_SHOWN)))


def forget_interest(session: Session, account_id: int, tag: str) -> None:
    deleted = session.execute(delete(InterestTag).where(InterestTag.account_id == account_id,
                                                        InterestTag.tag == tag)).rowcount
    if not deleted:
        raise NotFound(f"no interest tag {tag!r}", code="interest_not_found")


def learn(session: Session, account_id: int, tags: Iterable[str], signal: str) -> None:
    """Move the user's interest in each tag by the signal's weight (behaviour → interests)."""
    weight = SIGNAL_WEIGHTS[signal]
    now = utcnow()
    for tag in tags:
        row = session.get(InterestTag, (account_id, tag))
        if row is None:
            row = InterestTag(account_id=account_id, tag=tag, weight=0.0)
            session.add(row)
        row.weight, row.updated_at = row.weight + weight, now
    session.flush()


def not_interested(session: Session, account_id: int, content_id: int) -> None:
    item = content_service.get_visible(session, content_id, account_id)
    if session.get(NotInterested, (account_id, content_id)) is None:
        session.add(NotInterested(account_id=account_id, content_id=content_id))
        learn(session, account_id, tags_of(item.title, item.body, item.author_id), "not_interested")
    session.flush()


def hidden_for(session: Session, account_id: int) -> set[int]:
    return set(session.scalars(select(NotInterested.content_id).where(NotInterested.account_id == account_id)))


def record_exposures(session: Session, account_id: int, content_ids: Iterable[int], surface: str) -> None:
    now = utcnow()
    rows = [{"account_id": account_id, "content_id": cid, "surface": surface, "at": now} for cid in content_ids]
    if rows:
        session.execute(insert(Exposure), rows)


def record_view(session: Session, account_id: int, content_id: int, surface: str, at: dt.datetime) -> None:
    """A view reported by a client (``engagement.view``) counts as an exposure, once per event."""
    session.execute(insert(Exposure), [{"account_id": account_id, "content_id": content_id,
                                         "surface": surface, "at": at}])


# ---- interventions (R12.2) ---------------------------------------------------------------------

def active_interventions(session: Session, surface: str, now: dt.datetime | None = None) -> list[Intervention]:
    now = now or utcnow()
    return list(session.scalars(select(Intervention).where(
        Intervention.revoked_at.is_(None), Intervention.expires_at > now, Intervention.surface == surface)))


def intervene(session: Session, *, content_id: int, surface: str, action: str, reason: str,
              expires_at: dt.datetime, actor_id: int, weight: float = 1.0) -> Intervention:
    now = utcnow()
    if expires_at <= now:
        raise InvalidInput("an intervention needs an expiry in the future", code="expiry_in_past")
    if expires_at > now + dt.timedelta(days=MAX_INTERVENTION_DAYS):
        raise InvalidInput(f"interventions last at most {MAX_INTERVENTION_DAYS} days", code="expiry_too_far")
    item = content_service.get(session, content_id)
    promotes = action in (InterventionAction.PIN, InterventionAction.BOOST)
    if promotes and (item.state != ContentState.PUBLISHED or item.recommendation not in ("encourage", "neutral")):
        # Staff cannot promote what the policy or a reviewer resisted or took down (R12.1).
        raise Conflict(f"item {content_id} is {item.state} / {item.recommendation}: it cannot be promoted",
                       code="governance_conflict")
    intervention = Intervention(content_id=content_id, surface=surface, action=action, reason=reason,
                                expires_at=expires_at, created_by=actor_id, weight=weight)
    session.add(intervention)
    session.flush()
    evidence_service.record(session, tag="feed:intervention:created", subject_type="content", subject_id=content_id,
                            actor_id=actor_id,
                            payload={"intervention_id": intervention.id, "surface": surface, "action": action,
                                     "weight": weight, "reason": reason, "expires_at": expires_at.isoformat()})
    return intervention


def interventions(session: Session, *, active_only: bool = True, limit: int = 100) -> list[Intervention]:
    statement = select(Intervention)
    if active_only:
        statement = statement.where(Intervention.revoked_at.is_(None), Intervention.expires_at > utcnow())
    return list(session.scalars(statement.order_by(Intervention.id.desc()).limit(limit)))


def revoke(session: Session, intervention_id: int, *, actor_id: int, reason: str) -> Intervention:
    intervention = session.get(Intervention, intervention_id)
    if intervention is None:
        raise NotFound(f"intervention {intervention_id} does not exist", code="intervention_not_found")
    if intervention.revoked_at is not None:
        raise Conflict("this intervention is already revoked", code="intervention_revoked")
    intervention.revoked_at, intervention.revoked_by, intervention.revoke_reason = utcnow(), actor_id, reason
    session.flush()
    evidence_service.record(session, tag="feed:intervention:revoked", subject_type="content",
                            subject_id=intervention.content_id, actor_id=actor_id,
                            payload={"intervention_id": intervention.id, "reason": reason})
    return intervention


def items_by_id(session: Session, ids: list[int]) -> dict[int, ContentItem]:
    if not ids:
        return {}
    return {item.id: item for item in session.scalars(select(ContentItem).where(ContentItem.id.in_(ids)))}
