"""Report tickets: intake, reporter weight, routing to post review, disposal and feedback.

A report never changes an item by itself. It opens (or joins) a non-blocking review case, so a
brigade of reporters cannot take content down without a human decision (R13.1, R15.2); what the
reviewer decides comes back here as the ticket's outcome and the reporter's feedback (R13.5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qinglang.complaints.models import OPEN_STATUSES, ComplaintTicket, TicketStatus
from qinglang.content import service as content_service
from qinglang.content.models import ContentItem, ContentKind
from qinglang.credit import service as credit_service
from qinglang.db import utcnow
from qinglang.detection.signals import CATEGORIES
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.notices import service as notices_service
from qinglang.policy.engine import Reason, Verdict
from qinglang.review import service as review_service
from qinglang.review.models import CaseStatus, ReviewCase
from qinglang.settings import Settings

# Reviewer decisions that agree with the reporter (R13.5: "upheld").
UPHELD_DECISIONS = frozenset({"remove", "limit", "label", "uphold"})
# An account this young, or without verified identity, counts half: brigades use fresh accounts.
NEW_ACCOUNT_DAYS = 7
# A reporter with this accuracy over at least TRUSTED_MIN_DECIDED reports is reviewed first.
TRUSTED_ACCURACY = 0.8
TRUSTED_MIN_DECIDED = 5
# Malicious reporting (R15.2): this many reports not upheld in 30 days at an accuracy below this.
MALICIOUS_MIN_NOT_UPHELD = 5
MALICIOUS_ACCURACY = 0.25


@dataclass(frozen=True)
class ReporterRecord:
    decided: int
    upheld: int

    @property
    def accuracy(self) -> float:
        # Laplace's rule: a reporter with no history starts at 0.5, and one lucky report does
        # not make anyone trusted.
        return (self.upheld + 1) / (self.decided + 2)

    @property
    def trusted(self) -> bool:
        return self.decided >= TRUSTED_MIN_DECIDED and self.accuracy >= TRUSTED_ACCURACY


def reporter_record(session: Session, reporter_id: int, since: dt.datetime | None = None) -> ReporterRecord:
    statement = select(
        func.count(ComplaintTicket.id),
        func.coalesce(func.sum(sql_case((ComplaintTicket.outcome == "upheld", 1), else_=0)), 0),
    ).where(ComplaintTicket.reporter_id == reporter_id, ComplaintTicket.outcome.is_not(None))
    if since is not None:
        statement = statement.where(ComplaintTicket.disposed_at >= since)
    decided, upheld = session.execute(statement).one()
    return ReporterRecord(int(decided), int(upheld))


def reporter_weight(session: Session, reporter: Account, now: dt.datetime) -> tuple[float, bool]:
    """The weight of a new report and whether it goes first: accuracy, doubled for a trusted
    reporter (trust is earned, so it outweighs account age), halved for a new or unverified one."""
    record = reporter_record(session, reporter.id)
    if record.trusted:
        return round(record.accuracy * 2, 4), True
    new = reporter.identity_id is None or (now - reporter.created_at) < dt.timedelta(days=NEW_ACCOUNT_DAYS)
    return round(record.accuracy * (0.5 if new else 1.0), 4), False


def _severity(settings: Settings, category: str) -> str:
    if category in settings.complaint_severe_categories:
        return "severe"
    return "normal" if category.startswith("illegal.") else "low"


@dataclass(frozen=True)
class Target:
    content: ContentItem | None = None
    account: Account | None = None

    @property
    def key(self) -> str:
        return f"content:{self.content.id}" if self.content else f"account:{self.account.id}"  # type: ignore[union-attr]

    @property
    def owner_id(self) -> int:
        return self.content.author_id if self.content else self.account.id  # type: ignore[union-attr]


def resolve_target(session: Session, reporter: Account, *, content_id: int | None,
                   account_id: int | None) -> Target:
    """What is reported: an item the reporter can see (a message only by its recipient) or an
    account. Missing, removed and invisible items look the same (404), as on every read path."""
    if (content_id is None) == (account_id is None):
        raise InvalidInput("report either an item (content_id) or an account (account_id)", code="invalid_target")
    if content_id is not None:
        item = content_service.get_visible(session, content_id, reporter.id)
        if item.author_id == reporter.id:
            raise InvalidInput("you cannot report your own content", code="cannot_report_self")
        if item.kind == ContentKind.MESSAGE and item.recipient_id != reporter.id:
            raise NotFound(f"item {content_id} does not exist or is not visible", code="content_not_found")
        if item.state not in ("published", "limited") and item.kind != ContentKind.MESSAGE:
            raise NotFound(f"item {content_id} does not exist or is not visible", code="content_not_found")
        return Target(content=item)
    account = identity_service.get(session, account_id)  # type: ignore[arg-type]
    if account.id == reporter.id:
        raise InvalidInput("you cannot report your own account", code="cannot_report_self")
    return Target(account=account)


def receive(session: Session, settings: Settings, reporter: Account, target: Target, *, category: str,
            note: str | None, evidence_links: list[str], now: dt.datetime | None = None) -> ComplaintTicket:
    """Store a report and accept it at once (R13.4): the ticket number is the answer."""
    now = now or utcnow()
    if category not in CATEGORIES:
        raise InvalidInput(f"unknown category {category!r}", code="unknown_category",
                           detail={"categories": list(CATEGORIES)})
    if session.scalar(select(ComplaintTicket.id).where(ComplaintTicket.reporter_id == reporter.id,
                                                       ComplaintTicket.target_key == target.key)):
        raise Conflict("you already reported this", code="duplicate_report")
    severe = category in settings.complaint_severe_categories
    hours = settings.complaint_severe_dispose_hours if severe else settings.complaint_dispose_hours
    weight, priority = reporter_weight(session, reporter, now)
    ticket = ComplaintTicket(
        reporter_id=reporter.id, target_key=target.key, content_id=target.content.id if target.content else None,
        account_id=target.account.id if target.account else None, category=category, note=note,
        evidence_links=evidence_links, weight=weight, priority=priority, severe=severe,
        status=TicketStatus.ACCEPTED, received_at=now, accepted_at=now,
        accept_due_at=now + dt.timedelta(hours=settings.complaint_accept_hours),
        dispose_due_at=now + dt.timedelta(hours=hours),
    )
    try:
        # Two identical reports at once: the unique key refuses the second, not a 500.
        with session.begin_nested():
            session.add(ticket)
    except IntegrityError:
        raise Conflict("you already reported this", code="duplicate_report") from None
    return ticket


def route_to_review(session: Session, settings: Settings, ticket: ComplaintTicket, *, reach: int,
                    now: dt.datetime | None = None) -> ReviewCase:
    """Open or join the item's pending case (stage ``complaint``, never blocking: the item stays
    up until a reviewer decides). Many reports aggregate into that one case."""
    now = now or utcnow()
    pending = session.scalar(select(ReviewCase).where(
        ReviewCase.content_id == ticket.content_id, ReviewCase.status != CaseStatus.DECIDED,
        ReviewCase.stage != "appeal"))
    if pending is not None and ticket.category in pending.categories:
        # One more report of what the case already covers: join it without rewriting its
        # reasons, which would otherwise grow with every member of a brigade.
        pending.reach = max(pending.reach, reach)
        return _link(session, ticket, pending, now)
    severity = _severity(settings, ticket.category)
    reason = Reason(policy_rule="complaint", action="hold", category=ticket.category, cites="RM-1",
                    cites_version=None, requirement="R13.1", severity=severity, score=None, evidence=())
    verdict = Verdict(action="hold", policy_version="complaint", severity=severity, reasons=(reason,))
    case = review_service.open_case(session, settings, content_id=ticket.content_id, verdict=verdict,  # type: ignore[arg-type]
                                    stage="complaint", blocking=False, reach=reach, now=now)
    return _link(session, ticket, case, now)


def _link(session: Session, ticket: ComplaintTicket, case: ReviewCase, now: dt.datetime) -> ReviewCase:
    # The report's own deadline holds the case to it too: an overdue report is an overdue case.
    case.due_at = min(case.due_at, ticket.dispose_due_at)
    if ticket.priority:
        case.priority = max(case.priority, 1)  # a trusted reporter's report is reviewed first
    ticket.case_id, ticket.status, ticket.under_review_at = case.id, TicketStatus.UNDER_REVIEW, now
    session.flush()
    return case


def has_pending_case(session: Session, content_id: int) -> bool:
    return session.scalar(select(ReviewCase.id).where(
        ReviewCase.content_id == content_id, ReviewCase.status != CaseStatus.DECIDED)) is not None


def get(session: Session, ticket_id: int) -> ComplaintTicket:
    ticket = session.get(ComplaintTicket, ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} does not exist", code="ticket_not_found")
    return ticket


def mine(session: Session, reporter_id: int, *, before: int | None = None, limit: int = 50) -> list[ComplaintTicket]:
    statement = select(ComplaintTicket).where(ComplaintTicket.reporter_id == reporter_id)
    if before:
        statement = statement.where(ComplaintTicket.id < before)
    return list(session.scalars(statement.order_by(ComplaintTicket.id.desc()).limit(limit)))


def dispose(session: Session, settings: Settings, tickets: list[ComplaintTicket], *, decision: str,
            decision_id: int | None, rule_id: str | None, now: dt.datetime | None = None) -> None:
    """Close tickets with the reviewer's outcome, tell each reporter (R13.5), and update what
    reporting says about them: a bonus for upheld reports, a penalty for repeated bad ones."""
    now = now or utcnow()
    policy = credit_service.policy_of(settings)
    upheld = decision in UPHELD_DECISIONS
    for ticket in tickets:
        ticket.status, ticket.disposed_at = TicketStatus.DISPOSED, now
        ticket.outcome, ticket.outcome_action = ("upheld" if upheld else "not_upheld"), decision
        ticket.decision_id = decision_id
        session.flush()
        target = f"内容（编号 {ticket.content_id}）" if ticket.content_id else f"账号（编号 {ticket.account_id}）"
        result = "经审核属实，已依规处置" if upheld else "经审核未发现违规，不予处置"
        notices_service.send(
            session, ticket.reporter_id, kind="report_result", title=f"你的举报（工单 {ticket.id}）已处理",
            body=f"你举报的{target}{result}（{decision}，依据 {rule_id or '平台规则'}）。感谢你参与治理。",
            dedupe_key=f"report:{ticket.id}:result",
            data={"ticket_id": ticket.id, "outcome": ticket.outcome, "decision": decision, "rule_id": rule_id,
                  "content_id": ticket.content_id, "account_id": ticket.account_id},
        )
        ticket.status, ticket.result_sent_at = TicketStatus.RESULT_SENT, now
        if upheld:
            credit_service.report_bonus(session, policy, account_id=ticket.reporter_id, ticket_id=ticket.id,
                                        decision_id=decision_id, now=now)
        else:
            _check_malicious(session, policy, ticket.reporter_id, decision_id, now)
    session.flush()


def _check_malicious(session: Session, policy: credit_service.CreditPolicy, reporter_id: int,
                     decision_id: int | None, now: dt.datetime) -> None:
    recent = reporter_record(session, reporter_id, since=now - dt.timedelta(days=30))
    not_upheld = recent.decided - recent.upheld
    if not_upheld >= MALICIOUS_MIN_NOT_UPHELD and recent.accuracy < MALICIOUS_ACCURACY:
        credit_service.malicious_reports(session, policy, account_id=reporter_id, decision_id=decision_id,
                                         not_upheld=not_upheld, now=now)


def open_tickets_of_case(session: Session, case_id: int) -> list[ComplaintTicket]:
    return list(session.scalars(select(ComplaintTicket).where(
        ComplaintTicket.case_id == case_id, ComplaintTicket.status.in_(OPEN_STATUSES)).order_by(ComplaintTicket.id)))


def open_tickets_of_content(session: Session, content_id: int) -> list[ComplaintTicket]:
    return list(session.scalars(select(ComplaintTicket).where(
        ComplaintTicket.content_id == content_id, ComplaintTicket.status.in_(OPEN_STATUSES))))


@dataclass(frozen=True)
class QueueEntry:
    case_id: int
    content_id: int | None
    reporters: int
    weight: float
    priority: bool
    overdue: bool
    due_at: dt.datetime
    categories: list[str]
    reach: int


def queue(session: Session, *, limit: int = 50, now: dt.datetime | None = None) -> list[QueueEntry]:
    """Pending complaint cases: overdue reports first, then a trusted reporter's, then by the
    summed weight of the reporters (not their number: a brigade of low-accuracy accounts
    weighs little), oldest case first."""
    now = now or utcnow()
    rows = _queue_rows(session)
    entries = [
        QueueEntry(case_id=case_id, content_id=content_id, reporters=int(count), weight=round(float(total), 4),
                   priority=bool(top), overdue=due < now, due_at=due, categories=list(categories or []),
                   reach=int(reach or 0))
        for case_id, count, total, top, due, content_id, categories, reach in rows
    ]
    entries.sort(key=lambda e: (not e.overdue, not e.priority, -e.weight, e.case_id))
    return entries[:limit]


def _queue_rows(session: Session) -> list:
    # Aggregate the tickets first, then join the case: JSONB columns cannot be grouped on.
    totals = (
        select(ComplaintTicket.case_id.label("case_id"), func.count(ComplaintTicket.id).label("count"),
               func.sum(ComplaintTicket.weight).label("total"),
               func.max(sql_case((ComplaintTicket.priority, 1), else_=0)).label("top"),
               func.min(ComplaintTicket.dispose_due_at).label("due"))
        .where(ComplaintTicket.status.in_(OPEN_STATUSES), ComplaintTicket.case_id.is_not(None))
        .group_by(ComplaintTicket.case_id).subquery()
    )
    return session.execute(
        select(totals.c.case_id, totals.c.count, totals.c.total, totals.c.top, totals.c.due,
               ReviewCase.content_id, ReviewCase.categories, ReviewCase.reach)
        .join(ReviewCase, ReviewCase.id == totals.c.case_id).where(ReviewCase.status != CaseStatus.DECIDED)
    ).all()


def escalate_overdue(session: Session, now: dt.datetime | None = None) -> int:
    """Mark reports past their deadline escalated and bring their cases to the head of the
    reviewers' queue (the queue puts overdue cases first)."""
    now = now or utcnow()
    overdue = list(session.scalars(select(ComplaintTicket).where(
        ComplaintTicket.status.in_(OPEN_STATUSES), ComplaintTicket.escalated_at.is_(None),
        ComplaintTicket.dispose_due_at < now)))
    for ticket in overdue:
        ticket.escalated_at = now
        if ticket.case_id is not None:
            case = session.get(ReviewCase, ticket.case_id)
            if case is not None and case.status != CaseStatus.DECIDED:
                case.due_at = min(case.due_at, now)
    session.flush()
    return len(overdue)
