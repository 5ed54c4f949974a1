"""The debunk bank: adding, changing and retiring claims, their anchor index, the content index
sweeps look through, and the figures the public pages and staff show (R9.7, R5.1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qinglang.content.models import VISIBLE_STATES, ContentItem
from qinglang.db import utcnow
from qinglang.errors import InvalidInput, NotFound
from qinglang.evidence import service as evidence_service
from qinglang.rumors import index as claim_index
from qinglang.rumors import shingles
from qinglang.rumors.models import Claim, ClaimAnchor, ClaimHit, ClaimStatus, ClaimVerdict, ContentAnchor
from qinglang.stream import outbox

MAX_PAGE = 100
DEBUNKED = (ClaimVerdict.FALSE, ClaimVerdict.MISLEADING)


@dataclass
class ClaimInput:
    """A claim as imported or typed in; the same shape whatever the source format."""

    text: str
    verdict: str
    debunk: str = ""
    sources: list[str] = field(default_factory=list)
    publisher: str | None = None
    url: str | None = None
    language: str = "zh"
    tags: list[str] = field(default_factory=list)
    claim_date: dt.date | None = None
    review_date: dt.date | None = None
    external_id: str | None = None


def _check(data: ClaimInput) -> None:
    if data.verdict not in set(ClaimVerdict):
        raise InvalidInput(f"verdict must be one of {', '.join(ClaimVerdict)}, not {data.verdict!r}",
                           code="invalid_verdict")
    if not shingles.shingle(data.text).matchable:
        raise InvalidInput(f"a claim needs at least {shingles.MIN_LETTERS} letters or digits to be matched",
                           code="claim_too_short")


def get(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"claim {claim_id} does not exist", code="claim_not_found")
    return claim


def upsert(session: Session, data: ClaimInput, *, actor_id: int | None, sweep: bool = True) -> tuple[Claim, bool]:
    """Add a claim, or update the one with the same ``external_id``. Returns it and whether it
    is new. A claim that is new or whose text or verdict changed is swept for after commit."""
    _check(data)
    claim = None
    if data.external_id:
        claim = session.scalar(select(Claim).where(Claim.external_id == data.external_id))
    created = claim is None
    if claim is None:
        claim = Claim(created_by=actor_id, status=ClaimStatus.ACTIVE)
        session.add(claim)
    changed = created or claim.text != data.text or claim.verdict != data.verdict
    for name in ("text", "verdict", "debunk", "publisher", "url", "language", "claim_date", "review_date",
                 "external_id"):
        setattr(claim, name, getattr(data, name))
    claim.sources, claim.tags = list(data.sources), list(data.tags)
    claim.updated_at = utcnow()
    session.flush()
    if changed:
        _index(session, claim)
        claim_index.invalidate(session)
        evidence_service.record(
            session, tag="rumors:claim:added" if created else "rumors:claim:changed", subject_type="claim",
            subject_id=claim.id, actor_id=actor_id,
            payload={"text": claim.text, "verdict": str(claim.verdict), "debunk": claim.debunk,
                     "sources": claim.sources, "publisher": claim.publisher, "external_id": claim.external_id},
        )
        if sweep:
            # The retroactive sweep runs after commit (``rumors.tasks``), not inside this request.
            outbox.emit(session, "rumors.claim_added", {"claim_id": claim.id},
                        key=f"rumors.claim_added:{claim.id}:{claim.updated_at.isoformat()}")
    return claim, created


def retire(session: Session, claim: Claim, *, actor_id: int) -> Claim:
    """Stop matching a claim (e.g. its verdict was withdrawn); its record and hits stay."""
    claim.status = ClaimStatus.RETIRED
    claim.updated_at = utcnow()
    session.execute(delete(ClaimAnchor).where(ClaimAnchor.claim_id == claim.id))
    claim_index.invalidate(session)
    evidence_service.record(session, tag="rumors:claim:retired", subject_type="claim", subject_id=claim.id,
                            actor_id=actor_id, payload={"text": claim.text})
    session.flush()
    return claim


def _index(session: Session, claim: Claim) -> None:
    session.execute(delete(ClaimAnchor).where(ClaimAnchor.claim_id == claim.id))
    anchors = shingles.shingle(claim.text).anchors
    if anchors:
        session.execute(insert(ClaimAnchor), [{"anchor": a, "claim_id": claim.id} for a in anchors])
    claim.anchor_count = len(anchors)


def _insert_ignore(session: Session):  # noqa: ANN202 - a dialect insert
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def index_content(session: Session, content_id: int, title: str | None, body: str) -> int:
    """Put a published item's anchors in the sweep index; indexing twice changes nothing."""
    from qinglang.rumors.matching import item_text

    anchors = shingles.shingle(item_text(title, body)).anchors
    if anchors:
        statement = _insert_ignore(session)(ContentAnchor).on_conflict_do_nothing()
        session.execute(statement, [{"anchor": a, "content_id": content_id} for a in anchors])
    return len(anchors)


def debunks(session: Session, *, q: str | None = None, before: int | None = None, limit: int = 20) -> list[Claim]:
    """Active claims rated false or misleading, newest first: the public debunk feed (R5.1)."""
    statement = select(Claim).where(Claim.status == ClaimStatus.ACTIVE, Claim.verdict.in_(DEBUNKED))
    if q:
        statement = statement.where(Claim.text.contains(q, autoescape=True))
    if before:
        statement = statement.where(Claim.id < before)
    return list(session.scalars(statement.order_by(Claim.id.desc()).limit(min(max(limit, 1), MAX_PAGE))))


def claims(session: Session, *, status: str | None = None, after: int = 0, limit: int = 1000) -> list[Claim]:
    statement = select(Claim).where(Claim.id > after)
    if status:
        statement = statement.where(Claim.status == status)
    return list(session.scalars(statement.order_by(Claim.id).limit(limit)))


def hit_counts(session: Session, claim_ids: list[int]) -> dict[int, int]:
    if not claim_ids:
        return {}
    rows = session.execute(select(ClaimHit.claim_id, func.count()).where(ClaimHit.claim_id.in_(claim_ids))
                           .group_by(ClaimHit.claim_id))
    return dict(rows.all())


def record_hit(session: Session, *, claim_id: int, content_id: int, similarity: float, action: str, stage: str,
               at: dt.datetime) -> ClaimHit:
    hit = session.scalar(select(ClaimHit).where(ClaimHit.claim_id == claim_id, ClaimHit.content_id == content_id))
    if hit is None:
        hit = ClaimHit(claim_id=claim_id, content_id=content_id, similarity=similarity, action=action, stage=stage,
                       disposed_at=at)
        session.add(hit)
        session.flush()
    return hit


@dataclass(frozen=True)
class ItemExposure:
    content_id: int
    state: str
    disposed_at: dt.datetime
    before: int
    after: int


def exposure(session: Session, claim_id: int) -> list[ItemExposure]:
    """Impressions of each item ruled false for this claim, before and after its disposal."""
    from qinglang.feed.models import Exposure

    get(session, claim_id)
    hits = session.execute(
        select(ClaimHit.content_id, ClaimHit.disposed_at, ContentItem.state)
        .join(ContentItem, ContentItem.id == ClaimHit.content_id)
        .where(ClaimHit.claim_id == claim_id).order_by(ClaimHit.content_id)
    ).all()
    result = []
    for content_id, disposed_at, state in hits:
        before_count = session.scalar(select(func.count()).select_from(Exposure).where(
            Exposure.content_id == content_id, Exposure.at < disposed_at)) or 0
        after_count = session.scalar(select(func.count()).select_from(Exposure).where(
            Exposure.content_id == content_id, Exposure.at >= disposed_at)) or 0
        result.append(ItemExposure(content_id, str(state), disposed_at, before_count, after_count))
    return result


def visible_hits(session: Session, claim_id: int) -> int:
    """Items ruled false for a claim that are still up (labelled or limited)."""
    return session.scalar(
        select(func.count()).select_from(ClaimHit).join(ContentItem, ContentItem.id == ClaimHit.content_id)
        .where(ClaimHit.claim_id == claim_id, ContentItem.state.in_(VISIBLE_STATES))
    ) or 0
