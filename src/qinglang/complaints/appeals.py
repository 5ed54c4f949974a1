"""Appeals: an author contests one decision on their content or account, once, within a window,
and a reviewer other than the ones behind that decision decides (UA-6).

A content appeal is a review case (stage ``appeal``) decided on the workbench like any other, so
its outcome is a verdict that ``apply`` applies: an overturn restores the item and gives the
credit back there. An account appeal is decided here by a different staff member.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qinglang.complaints.models import Appeal, AppealStatus
from qinglang.content import service as content_service
from qinglang.content.models import ContentState
from qinglang.db import utcnow
from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.evidence import service as evidence_service
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account, AccountEvent, AccountStatus, Feature
from qinglang.notices import service as notices_service
from qinglang.policy.engine import ACTIONS
from qinglang.policy.models import Decision
from qinglang.review.models import SEVERITY_RANK, CaseStatus, ReviewCase, ReviewDecision
from qinglang.rules.service import CitedRule
from qinglang.settings import Settings

APPEALABLE_ACTIONS = frozenset({"label", "limit", "hold", "block"})
APPEALABLE_ACCOUNT_EVENTS = frozenset({"status_changed", "muted", "restrictions_changed"})


def _check_window(settings: Settings, decided_at: dt.datetime, now: dt.datetime) -> None:
    closes = decided_at + dt.timedelta(days=settings.appeal_window_days)
    if now > closes:
        raise Conflict(f"appeals are possible for {settings.appeal_window_days} days after a decision",
                       code="appeal_window_closed", detail={"closed_at": closes.isoformat()})


def _insert(session: Session, appeal: Appeal) -> Appeal:
    if session.scalar(select(Appeal.id).where(Appeal.subject_key == appeal.subject_key)):
        raise Conflict("this decision was already appealed; each decision can be appealed once",
                       code="already_appealed")
    try:
        with session.begin_nested():
            session.add(appeal)
    except IntegrityError:
        raise Conflict("this decision was already appealed", code="already_appealed") from None
    return appeal


def appeal_content_decision(session: Session, settings: Settings, appellant: Account, decision_id: int,
                            reason: str, now: dt.datetime | None = None) -> Appeal:
    now = now or utcnow()
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"decision {decision_id} does not exist", code="decision_not_found")
    item = content_service.get(session, decision.content_id)
    if item.author_id != appellant.id:
        raise Forbidden("you can appeal decisions on your own content only", code="not_your_content")
    if decision.action not in APPEALABLE_ACTIONS:
        raise InvalidInput(f"a decision to {decision.action} cannot be appealed", code="not_appealable")
    _check_window(settings, decision.at, now)
    if item.state == ContentState.DELETED:
        raise Conflict("you deleted this item", code="content_deleted")
    if decision.action == "block" and item.state not in (ContentState.REMOVED, ContentState.BLOCKED):
        raise Conflict("this item is no longer taken down", code="nothing_to_appeal")
    verdict = decision.verdict or {}
    excluded = {decision.actor_id} if decision.actor_id else set()
    excluded |= set(session.scalars(
        select(ReviewDecision.reviewer_id).join(ReviewCase, ReviewCase.id == ReviewDecision.case_id)
        .where(ReviewCase.content_id == item.id, ReviewCase.stage != "appeal")))
    severity = verdict.get("severity") if verdict.get("severity") in SEVERITY_RANK else "normal"
    appeal = _insert(session, Appeal(appellant_id=appellant.id, subject_key=f"decision:{decision.id}",
                                     decision_id=decision.id, content_id=item.id, reason=reason,
                                     excluded_reviewers=sorted(excluded), created_at=now))
    categories = sorted({r["category"] for r in verdict.get("reasons", []) if r.get("category")})
    case = ReviewCase(
        content_id=item.id, status=CaseStatus.OPEN, stage="appeal", categories=categories, severity=severity,
        severity_rank=SEVERITY_RANK[severity], reach=0, blocking=False, required_reviews=1,
        suggested_action=None, policy_reasons=verdict.get("reasons", []),
        due_at=now + dt.timedelta(hours=settings.review_sla_hours.get(severity, 24)), created_at=now,
    )
    session.add(case)
    session.flush()
    appeal.case_id = case.id
    evidence_service.record(
        session, tag="appeal:filed", subject_type="content", subject_id=item.id, actor_id=appellant.id,
        payload={"appeal_id": appeal.id, "decision_id": decision.id, "case_id": case.id, "reason": reason,
                 "decision_action": decision.action, "excluded_reviewers": appeal.excluded_reviewers},
    )
    return appeal


def appeal_account_decision(session: Session, settings: Settings, appellant: Account, event_id: int,
                            reason: str, now: dt.datetime | None = None) -> Appeal:
    now = now or utcnow()
    event = session.get(AccountEvent, event_id)
    if event is None or event.account_id != appellant.id:
        raise NotFound(f"account decision {event_id} does not exist", code="decision_not_found")
    if event.kind not in APPEALABLE_ACCOUNT_EVENTS or event.actor_id in (None, appellant.id):
        raise InvalidInput(f"a {event.kind} event cannot be appealed", code="not_appealable")
    _check_window(settings, event.at, now)
    appeal = _insert(session, Appeal(appellant_id=appellant.id, subject_key=f"account_event:{event.id}",
                                     account_event_id=event.id, reason=reason,
                                     excluded_reviewers=[event.actor_id], created_at=now))
    session.flush()
    evidence_service.record(
        session, tag="appeal:filed", subject_type="account", subject_id=appellant.id, actor_id=appellant.id,
        payload={"appeal_id": appeal.id, "account_event_id": event.id, "kind": event.kind, "reason": reason},
    )
    return appeal


def check_reviewer(session: Session, case: ReviewCase, reviewer: Account) -> None:
    """An appeal is decided by somebody other than the people behind the decision appealed."""
    if case.stage != "appeal":
        return
    appeal = session.scalar(select(Appeal).where(Appeal.case_id == case.id))
    if appeal is not None and reviewer.id in appeal.excluded_reviewers:
        raise Forbidden("you took the decision under appeal: another reviewer decides the appeal",
                        code="different_reviewer_required")


def on_case_decided(session: Session, case: ReviewCase, *, decision: str, reviewer: Account,
                    note: str | None, now: dt.datetime | None = None) -> Appeal | None:
    """Close the appeal a decided case belonged to. The verdict itself was applied already
    (an ``allow`` restored the item and reversed its credit deduction)."""
    appeal = session.scalar(select(Appeal).where(Appeal.case_id == case.id))
    if appeal is None or appeal.status != AppealStatus.OPEN:
        return None
    original = session.get(Decision, appeal.decision_id)
    new_action = {"remove": "block"}.get(decision, decision)
    overturned = original is not None and ACTIONS.index(new_action) < ACTIONS.index(original.action)
    _close(session, appeal, reviewer, overturned=overturned, note=note, now=now,
           payload={"case_id": case.id, "decision": decision})
    return appeal


def decide_account_appeal(session: Session, appeal_id: int, staff: Account, *, overturn: bool, note: str,
                          rule: CitedRule, now: dt.datetime | None = None) -> Appeal:
    appeal = get(session, appeal_id)
    if appeal.account_event_id is None:
        raise InvalidInput("content appeals are decided on the review workbench (their case)",
                           code="decide_on_workbench", detail={"case_id": appeal.case_id})
    if appeal.status != AppealStatus.OPEN:
        raise Conflict("this appeal is already decided", code="appeal_decided")
    if staff.id in appeal.excluded_reviewers:
        raise Forbidden("you took the decision under appeal: another staff member decides",
                        code="different_reviewer_required")
    event = session.get(AccountEvent, appeal.account_event_id)
    account = identity_service.get(session, appeal.appellant_id)
    if overturn and event is not None:
        _revert(session, account, event, staff, note, rule)
    _close(session, appeal, staff, overturned=overturn, note=note, now=now,
           payload={"account_event_id": appeal.account_event_id, "rule_id": rule.rule_id})
    return appeal


def _revert(session: Session, account: Account, event: AccountEvent, staff: Account, note: str,
            rule: CitedRule) -> None:
    reason = f"appeal overturned: {note}"
    if event.kind == "muted":
        identity_service.mute(session, account, actor=staff, until=None, reason=reason, rule=rule)
    elif event.kind == "restrictions_changed":
        features = [Feature(f) for f in event.details.get("from", [])]
        identity_service.change_restrictions(session, account, actor=staff, features=features, reason=reason,
                                             rule=rule)
    elif event.kind == "status_changed":
        previous = AccountStatus(event.details.get("from", "active"))
        if previous == AccountStatus.CANCELLED:
            previous = AccountStatus.ACTIVE
        identity_service.change_status(session, account, actor=staff, status=previous, until=None, reason=reason,
                                       rule=rule)


def _close(session: Session, appeal: Appeal, decider: Account, *, overturned: bool, note: str | None,
           now: dt.datetime | None, payload: dict) -> None:
    appeal.status = AppealStatus.OVERTURNED if overturned else AppealStatus.UPHELD
    appeal.decided_by, appeal.decided_at, appeal.outcome_note = decider.id, now or utcnow(), note
    session.flush()
    subject = ("content", appeal.content_id) if appeal.content_id else ("account", appeal.appellant_id)
    evidence_service.record(
        session, tag=f"appeal:{appeal.status}", subject_type=subject[0], subject_id=subject[1],
        actor_id=decider.id,
        payload={"appeal_id": appeal.id, "decision_id": appeal.decision_id, "note": note, **payload},
    )
    result = "申诉成立，原处置已撤销" if overturned else "申诉不成立，维持原处置"
    notices_service.send(
        session, appeal.appellant_id, kind="appeal_result", title=f"你的申诉（编号 {appeal.id}）已复核",
        body=f"{result}。{note or ''}".strip(), dedupe_key=f"appeal:{appeal.id}:result",
        data={"appeal_id": appeal.id, "status": str(appeal.status), "content_id": appeal.content_id},
    )


def get(session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"appeal {appeal_id} does not exist", code="appeal_not_found")
    return appeal


def mine(session: Session, appellant_id: int, limit: int = 50) -> list[Appeal]:
    return list(session.scalars(select(Appeal).where(Appeal.appellant_id == appellant_id)
                                .order_by(Appeal.id.desc()).limit(limit)))
