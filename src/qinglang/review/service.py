"""Cases, the queue, claims and decisions. A decision becomes a verdict that ``qinglang.apply``
applies, exactly like an automated one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from qinglang.db import utcnow
from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.identity.models import Account, Role
from qinglang.policy.engine import Verdict
from qinglang.review.models import (
    SEVERITY_RANK,
    CaseStatus,
    ReviewCase,
    ReviewDecision,
    ReviewerQualification,
)
from qinglang.settings import Settings

# What a reviewer can decide, and the engine action each one is.
DECISIONS = {"allow": "allow", "label": "label", "limit": "limit", "remove": "block"}
_PENDING = (CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.ESCALATED)


def open_case(
    session: Session,
    settings: Settings,
    *,
    content_id: int,
    verdict: Verdict,
    stage: str,
    blocking: bool,
    reach: int = 0,
    now: dt.datetime | None = None,
) -> ReviewCase:
    """Open a case for an item, or fold the new reasons into its pending case."""
    now = now or utcnow()
    case = session.scalar(
        select(ReviewCase).where(ReviewCase.content_id == content_id, ReviewCase.status.in_(_PENDING))
    )
    reasons = [reason.to_json() for reason in verdict.reasons]
    severity = verdict.severity if verdict.severity in SEVERITY_RANK else "normal"
    if case is None:
        case = ReviewCase(**new_case_values(settings, content_id=content_id, verdict=verdict, stage=stage,
                                            blocking=blocking, reach=reach, now=now))
        session.add(case)
        session.flush()
        return case
    case.categories = sorted(set(case.categories) | set(verdict.categories))
    if SEVERITY_RANK[severity] > case.severity_rank:
        case.severity, case.severity_rank = severity, SEVERITY_RANK[severity]
        case.due_at = min(case.due_at, now + _sla(settings, severity))
    case.reach = max(case.reach, reach)
    case.blocking = case.blocking or blocking
    if verdict.review == "dual":
        case.required_reviews = 2
    case.policy_reasons = case.policy_reasons + reasons
    session.flush()
    return case


def new_case_values(settings: Settings, *, content_id: int, verdict: Verdict, stage: str, blocking: bool,
                    reach: int, now: dt.datetime) -> dict:
    """Every column of a new case for an item that has none pending (``open_case``, or the
    pipeline opening cases for a batch of new items)."""
    severity = verdict.severity if verdict.severity in SEVERITY_RANK else "normal"
    return dict(
        content_id=content_id, status=CaseStatus.OPEN, stage=stage, categories=list(verdict.categories),
        severity=severity, severity_rank=SEVERITY_RANK[severity], reach=reach, priority=0, blocking=blocking,
        required_reviews=2 if verdict.review == "dual" else 1, suggested_action=verdict.action,
        policy_reasons=[reason.to_json() for reason in verdict.reasons], claimed_by=None, claimed_at=None,
        claim_expires_at=None, due_at=now + _sla(settings, severity), created_at=now, decided_at=None, outcome=None,
    )


def _sla(settings: Settings, severity: str) -> dt.timedelta:
    return dt.timedelta(hours=settings.review_sla_hours.get(severity, 24))


def get(session: Session, case_id: int) -> ReviewCase:
    case = session.get(ReviewCase, case_id)
    if case is None:
        raise NotFound(f"case {case_id} does not exist", code="case_not_found")
    return case


def qualifications(session: Session, account_id: int) -> set[str]:
    return set(
        session.scalars(select(ReviewerQualification.category).where(ReviewerQualification.account_id == account_id))
    )


def grant(session: Session, account: Account, categories: list[str], granted_by: int) -> list[str]:
    if account.role not in (Role.REVIEWER, Role.ADMIN):
        raise InvalidInput("qualifications are for reviewers", code="not_a_reviewer")
    have = qualifications(session, account.id)
    for category in sorted(set(categories) - have):
        session.add(ReviewerQualification(account_id=account.id, category=category, granted_by=granted_by))
    session.flush()
    return sorted(have | set(categories))


def is_qualified(session: Session, reviewer: Account, case: ReviewCase) -> bool:
    if reviewer.role == Role.ADMIN:
        return True
    return set(case.categories) <= qualifications(session, reviewer.id)


def queue(session: Session, reviewer: Account, *, limit: int = 50, now: dt.datetime | None = None) -> list[ReviewCase]:
    """Cases this reviewer can take, overdue first, then by severity, reporter priority, reach and age."""
    now = now or utcnow()
    statuses = [CaseStatus.OPEN, CaseStatus.CLAIMED]
    if reviewer.role == Role.ADMIN:
        statuses.append(CaseStatus.ESCALATED)
    overdue = ReviewCase.due_at < now
    candidates = session.scalars(
        select(ReviewCase)
        .where(
            ReviewCase.status.in_(statuses),
            or_(
                ReviewCase.claimed_by.is_(None), ReviewCase.claim_expires_at < now, ReviewCase.claimed_by == reviewer.id
            ),
        )
        .order_by(overdue.desc(), ReviewCase.severity_rank.desc(), ReviewCase.priority.desc(),
                  ReviewCase.reach.desc(), ReviewCase.id)
        .limit(limit * 4)
    )
    mine = qualifications(session, reviewer.id)
    decided_by_me = set(
        session.scalars(select(ReviewDecision.case_id).where(ReviewDecision.reviewer_id == reviewer.id))
    )
    result = []
    for case in candidates:
        if reviewer.role != Role.ADMIN and not set(case.categories) <= mine:
            continue
        if case.id in decided_by_me:
            continue  # the second of two reviewers must be somebody else
        result.append(case)
        if len(result) == limit:
            break
    return result


def claim(
    session: Session, settings: Settings, case_id: int, reviewer: Account, now: dt.datetime | None = None
) -> ReviewCase:
    now = now or utcnow()
    case = get(session, case_id)
    if case.status == CaseStatus.DECIDED:
        raise Conflict("this case is already decided", code="case_decided")
    if case.status == CaseStatus.ESCALATED and reviewer.role != Role.ADMIN:
        raise Forbidden("reviewers disagreed on this case: an admin decides it", code="case_escalated")
    if not is_qualified(session, reviewer, case):
        raise Forbidden(
            f"you are not qualified for {', '.join(case.categories)}",
            code="not_qualified",
            detail={"categories": case.categories},
        )
    if session.scalar(
        select(ReviewDecision.id).where(ReviewDecision.case_id == case.id, ReviewDecision.reviewer_id == reviewer.id)
    ):
        raise Forbidden("you already decided this case; a second reviewer must", code="second_reviewer_required")
    # One conditional UPDATE: two reviewers claiming at once cannot both win.
    claimed = session.execute(
        update(ReviewCase)
        .where(
            ReviewCase.id == case.id,
            ReviewCase.status.in_(_PENDING),
            or_(
                ReviewCase.claimed_by.is_(None), ReviewCase.claim_expires_at < now, ReviewCase.claimed_by == reviewer.id
            ),
        )
        .values(
            claimed_by=reviewer.id,
            claimed_at=now,
            claim_expires_at=now + dt.timedelta(minutes=settings.review_claim_minutes),
            status=CaseStatus.ESCALATED if case.status == CaseStatus.ESCALATED else CaseStatus.CLAIMED,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("another reviewer holds this case", code="case_claimed")
    session.refresh(case)
    return case


def release(session: Session, case: ReviewCase, reviewer: Account) -> None:
    if case.claimed_by != reviewer.id:
        raise Conflict("you do not hold this case", code="claim_required")
    case.claimed_by, case.claim_expires_at = None, None
    if case.status == CaseStatus.CLAIMED:
        case.status = CaseStatus.OPEN
    session.flush()


def record_decision(
    session: Session,
    case: ReviewCase,
    reviewer: Account,
    *,
    action: str,
    labels: list[str],
    rule_id: str,
    rule_version: int,
    note: str | None,
    now: dt.datetime | None = None,
) -> tuple[ReviewDecision, bool]:
    """Store a reviewer's decision. Returns it and whether the case is now final."""
    now = now or utcnow()
    if action not in DECISIONS:
        raise InvalidInput(f"decide one of: {', '.join(DECISIONS)}", code="invalid_decision")
    if case.status == CaseStatus.DECIDED:
        raise Conflict("this case is already decided", code="case_decided")
    if case.claimed_by != reviewer.id or (case.claim_expires_at and case.claim_expires_at < now):
        raise Conflict("claim the case before deciding it (claims expire)", code="claim_required")
    earlier = list(
        session.scalars(select(ReviewDecision).where(ReviewDecision.case_id == case.id).order_by(ReviewDecision.id))
    )
    decision = ReviewDecision(
        case_id=case.id,
        reviewer_id=reviewer.id,
        action=action,
        labels=labels,
        rule_id=rule_id,
        rule_version=rule_version,
        note=note,
        claimed_at=case.claimed_at,
        at=now,
    )
    session.add(decision)
    case.claimed_by, case.claimed_at, case.claim_expires_at = None, None, None
    final = (reviewer.role == Role.ADMIN and case.status == CaseStatus.ESCALATED) or len(
        earlier
    ) + 1 >= case.required_reviews
    if (
        final
        and case.required_reviews == 2
        and case.status != CaseStatus.ESCALATED
        and earlier
        and earlier[-1].action != action
    ):
        case.status = CaseStatus.ESCALATED
        final = False
    elif final:
        case.status, case.decided_at, case.outcome = CaseStatus.DECIDED, now, action
    else:
        case.status = CaseStatus.OPEN
    session.flush()
    return decision, final


def decisions(session: Session, case_id: int) -> list[ReviewDecision]:
    return list(
        session.scalars(select(ReviewDecision).where(ReviewDecision.case_id == case_id).order_by(ReviewDecision.id))
    )
