"""Background work of the rumour domain, as stream consumers and the sweep they (and the CLI) run.

- ``claim-index``: a published item's anchors go into the sweep index (``content.published``).
- ``rumor-sweep``: a claim added to the bank is swept for in stored content (``rumors.claim_added``).
- ``corrections``: an item ruled false tells everyone who saw it, once per user and claim
  (``content.ruled_false``, emitted by ``qinglang.apply``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang import apply
from qinglang.content.models import VISIBLE_STATES, ContentItem, ContentKind, ContentState
from qinglang.evidence import service as evidence_service
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.notices import service as notices_service
from qinglang.pipeline import Gate, GateContext
from qinglang.rumors import matching, shingles
from qinglang.rumors import service as rumors_service
from qinglang.rumors.models import ContentAnchor
from qinglang.settings import Settings
from qinglang.stream.consumers import StreamMessage, consumer

SWEPT_KINDS = (ContentKind.POST, ContentKind.REPLY, ContentKind.DANMAKU)


@dataclass
class SweepSummary:
    claim_id: int
    candidates: int = 0
    matched: int = 0
    labelled: int = 0
    limited: int = 0
    removed: int = 0
    held: int = 0


def candidate_ids(session: Session, claim_text: str) -> list[int]:
    """Stored items sharing enough of the claim's anchors, found through the index."""
    anchors = shingles.shingle(claim_text).anchors
    if not anchors:
        return []
    need = max(1, math.ceil(matching.MIN_ANCHOR_SHARE * len(anchors)))
    rows = session.scalars(
        select(ContentAnchor.content_id).where(ContentAnchor.anchor.in_(anchors))
        .group_by(ContentAnchor.content_id).having(func.count() >= need).order_by(ContentAnchor.content_id)
    )
    return list(rows)


def sweep(session: Session, settings: Settings, gate: Gate, claim_id: int, *, batch: int = 500,
          progress: Callable[[int], None] | None = None, on_candidates: Callable[[int], None] | None = None,
          actor_id: int | None = None) -> SweepSummary:
    """Dispose of stored content that says a claim, by the policy in force (post review, R9.7).

    Candidates come from the anchor index; each is re-ranked against the claim, and those that
    still match are judged by the gate exactly as a new post would be, then applied.
    """
    claim = rumors_service.get(session, claim_id)
    wanted = shingles.shingle(claim.text)
    ids = candidate_ids(session, claim.text)
    summary = SweepSummary(claim_id=claim.id, candidates=len(ids))
    if on_candidates is not None:
        on_candidates(len(ids))
    authors: dict[int, bool | None] = {}
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        items = session.scalars(select(ContentItem).where(
            ContentItem.id.in_(chunk), ContentItem.state.in_(VISIBLE_STATES), ContentItem.kind.in_(SWEPT_KINDS)
        ).order_by(ContentItem.id))
        for item in items:
            text = matching.item_text(item.title, item.body)
            if shingles.similarity(wanted, shingles.shingle(text)) < matching.SUGGEST:
                continue
            summary.matched += 1
            if item.author_id not in authors:
                author = session.get(Account, item.author_id)
                authors[item.author_id] = identity_service.is_minor(author, settings) if author else None
            context = GateContext(author_is_minor=authors[item.author_id], stage="post_review")
            labels_before = set(item.labels)
            verdict, facts = gate.review(session, item, context)
            applied = apply.apply_verdict(session, settings, item, verdict, facts=facts, stage="post_review",
                                          source=f"sweep:claim:{claim.id}")
            _count(summary, applied.state_before, applied.state_after, labels_before, set(item.labels))
        if progress is not None:
            progress(len(chunk))
    evidence_service.record(session, tag="rumors:claim:swept", subject_type="claim", subject_id=claim.id,
                            actor_id=actor_id, payload=asdict(summary))
    return summary


def _count(summary: SweepSummary, before: str, after: str, labels_before: set[str], labels_after: set[str]) -> None:
    if after == before and labels_after <= labels_before:
        return  # already disposed of (an earlier sweep, or at submission)
    if after in (ContentState.REMOVED, ContentState.BLOCKED):
        summary.removed += 1
    elif after == ContentState.HELD:
        summary.held += 1
    elif after == ContentState.LIMITED:
        summary.limited += 1
    elif labels_after - labels_before:
        summary.labelled += 1


@consumer("claim-index", subjects=("content.published",))
def index_published(session: Session, message: StreamMessage) -> None:
    if message.payload.get("kind") not in SWEPT_KINDS:
        return
    item = session.get(ContentItem, int(message.payload["content_id"]))
    if item is not None:
        rumors_service.index_content(session, item.id, item.title, item.body)


@consumer("rumor-sweep", subjects=("rumors.claim_added",))
def sweep_new_claim(session: Session, message: StreamMessage) -> None:
    from qinglang.review.inspection import _current

    # The same settings and gate as real-time inspection in this process (configured by the app).
    context = _current()
    sweep(session, context.settings, context.gate, int(message.payload["claim_id"]))


@consumer("corrections", subjects=("content.ruled_false",))
def send_corrections(session: Session, message: StreamMessage) -> None:
    """Record the item's disposal per claim and correct everyone shown it before (R9.7)."""
    payload = message.payload
    content_id = int(payload["content_id"])
    for match in payload.get("claims", []):
        hit = rumors_service.record_hit(
            session, claim_id=int(match["claim_id"]), content_id=content_id,
            similarity=float(match.get("similarity", 0.0)), action=str(payload.get("action", "label")),
            stage=str(payload.get("stage", "")), at=message.emitted_at,
        )
        hit.corrections_sent += correct_viewers(session, int(match["claim_id"]), content_id, hit.disposed_at)


def correct_viewers(session: Session, claim_id: int, content_id: int, until: object) -> int:
    from qinglang.feed.models import Exposure

    claim = rumors_service.get(session, claim_id)
    item = session.get(ContentItem, content_id)
    viewers = session.scalars(
        select(Exposure.account_id).where(Exposure.content_id == content_id, Exposure.at <= until).distinct()
    )
    sent = 0
    for account_id in viewers:
        if item is not None and account_id == item.author_id:
            continue  # the author has the disposal notice with its reasons
        notice = notices_service.send(
            session, account_id, kind="correction",
            title="更正：你看过的内容已被证实不实",
            body=f"你此前看到的内容（编号 {content_id}）说的是“{claim.text}”，经核查为"
                 f"{_VERDICT_NAMES.get(str(claim.verdict), str(claim.verdict))}。{claim.debunk}".strip(),
            dedupe_key=f"correction:{claim_id}",
            data={"claim_id": claim_id, "content_id": content_id, "verdict": str(claim.verdict),
                  "debunk_url": f"/v1/debunks/{claim_id}", "sources": list(claim.sources)},
        )
        sent += notice is not None
    return sent


_VERDICT_NAMES = {"false": "谣言", "misleading": "误导性信息", "unverified": "尚无定论", "true": "属实"}
