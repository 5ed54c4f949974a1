"""Real-time inspection (R9.6): items are judged again as they spread.

The ``inspection`` consumer reads engagement events from the stream (in-process or JetStream).
When an item's reach passes a milestone it is judged again with its reach in the facts, so the
policy can escalate what is spreading (``reach_at_least``), and an open case on it moves up the
queue. Each milestone is judged once per item, however often events are redelivered.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session

from qinglang import apply
from qinglang.content.models import VISIBLE_STATES, ContentItem
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.pipeline import Gate, GateContext
from qinglang.review.models import CaseStatus, Inspection, ReviewCase
from qinglang.settings import Settings, get_settings
from qinglang.stream import service as stream_service
from qinglang.stream.consumers import StreamMessage, consumer

MILESTONES = (100, 1_000, 10_000, 100_000, 1_000_000)


@dataclass
class InspectionContext:
    settings: Settings
    gate: Gate


_context: InspectionContext | None = None
_lock = threading.Lock()


def configure(settings: Settings, gate: Gate) -> None:
    """Use this process's gate (the app factory and tests call it; workers build their own)."""
    global _context
    _context = InspectionContext(settings, gate)


def _current() -> InspectionContext:
    global _context
    with _lock:
        if _context is None:
            from qinglang.detection.service import DetectorHolder
            from qinglang.pipeline import PolicyGate
            from qinglang.policy.service import PolicyHolder
            from qinglang.runtime import detector_factory

            _context = InspectionContext(get_settings(), PolicyGate(DetectorHolder(detector_factory()), PolicyHolder()))
        return _context


def reach_of(session: Session, content_id: int) -> int:
    counters = stream_service.reach(session, content_id)
    if counters is None:
        return 0
    return counters.views + counters.reposts + counters.shares + counters.replies


@consumer("inspection", subjects=("engagement.>", "content.published"))
def inspect(session: Session, message: StreamMessage) -> None:
    content_id = int(message.payload["content_id"])
    context = _current()
    if message.subject == "content.published":
        # With QINGLANG_DEFER_MODELS the classifiers did not run before publication: they run
        # here, right after it (the split between the two is that setting).
        if context.settings.defer_models:
            judge_after_publication(session, context, content_id)
        return
    # The reach consumer may not have counted this very event yet; one event either way does
    # not move a milestone much, and the next event catches up.
    reach = reach_of(session, content_id)
    inspect_item(session, context, content_id, reach)


def judge_after_publication(session: Session, context: InspectionContext, content_id: int) -> None:
    item = session.get(ContentItem, content_id)
    if item is None or item.state not in VISIBLE_STATES:
        return
    author = session.get(Account, item.author_id)
    gate_context = GateContext(
        author_is_minor=identity_service.is_minor(author, context.settings) if author else None,
        stage="post_review",
    )
    verdict, facts = context.gate.review(session, item, gate_context)
    if verdict.action == "allow" and not verdict.labels and not verdict.queue:
        return  # the models found nothing to act on; a queued verdict still needs its case
    apply.apply_verdict(session, context.settings, item, verdict, facts=facts, stage="post_review",
                        source="deferred-models")


def inspect_item(session: Session, context: InspectionContext, content_id: int, reach: int) -> bool:
    """Judge an item again if its reach passed a milestone not yet inspected. Returns whether it did."""
    passed = max((m for m in MILESTONES if reach >= m), default=0)
    if not passed:
        return False
    record = session.get(Inspection, content_id, with_for_update=True)
    if record is not None and record.milestone >= passed:
        return False
    item = session.get(ContentItem, content_id)
    if item is None or item.state not in VISIBLE_STATES:
        return False
    if record is None:
        record = Inspection(content_id=content_id, milestone=passed)
        session.add(record)
    record.milestone = passed
    author = session.get(Account, item.author_id)
    gate_context = GateContext(
        author_is_minor=identity_service.is_minor(author, context.settings) if author else None,
        stage="inspection", reach=reach,
    )
    verdict, facts = context.gate.review(session, item, gate_context)
    for case in session.query(ReviewCase).filter(
        ReviewCase.content_id == content_id,
        ReviewCase.status.in_((CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.ESCALATED)),
    ):
        case.reach = max(case.reach, reach)  # spreading items move up the queue
    apply.apply_verdict(session, context.settings, item, verdict, facts=facts, stage="inspection",
                        source=f"inspection:reach>={passed}", reach=reach)
    return True


def rescore_body(session: Session, message: StreamMessage) -> None:
    """Score a message's ``body`` with the detection cascade in force.

    The per-item work of inspection without the database around it: ``qinglang bench stream
    --handler qinglang.review.inspection:rescore_body`` measures the broker's overhead with it.
    """
    detector = _current().gate.detectors.get(session)  # type: ignore[attr-defined]
    detector.detect(str(message.payload.get("body", "")), None, None, "post")
