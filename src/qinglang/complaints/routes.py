"""Reports with feedback (R13.1-R13.5, R15.2) and appeals. The reporting methods themselves are
the published rules document ``reporting-methods`` (GET /v1/rules/reporting-methods, R13.3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from qinglang import pipeline
from qinglang.complaints import appeals, schemas
from qinglang.complaints import service as complaints_service
from qinglang.complaints.models import OPEN_STATUSES, ComplaintTicket
from qinglang.deps import CurrentAccount, DbSession, RuntimeDep, Staff
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.evidence import service as evidence_service
from qinglang.rules import service as rules_service

router = APIRouter(tags=["complaints"])
Before = Annotated[int | None, Query(ge=1, description="Page: tickets with smaller IDs.")]
Limit = Annotated[int, Query(ge=1, le=100)]


def _ticket(ticket: ComplaintTicket, model: type[schemas.Ticket] = schemas.Ticket) -> schemas.Ticket:
    view = model.model_validate(ticket)
    view.ticket_number = f"JB{ticket.id:08d}"
    return view


@router.post("/v1/reports", response_model=schemas.Ticket, status_code=status.HTTP_201_CREATED,
             summary="Report an item or an account; the answer is the accepted ticket (R13.1, R13.4)")
def create_report(body: schemas.ReportCreate, reporter: CurrentAccount, session: DbSession,
                  runtime: RuntimeDep) -> schemas.Ticket:
    ticket = pipeline.report(session, runtime.settings, runtime.gate, reporter, content_id=body.content_id,
                             account_id=body.account_id, category=body.category, note=body.note,
                             evidence_links=[str(link) for link in body.evidence_links])
    return _ticket(ticket)  # type: ignore[arg-type]


@router.get("/v1/me/reports", response_model=schemas.TicketList, summary="My reports and their outcomes (R13.5)")
def my_reports(reporter: CurrentAccount, session: DbSession, before: Before = None,
               limit: Limit = 50) -> schemas.TicketList:
    tickets = complaints_service.mine(session, reporter.id, before=before, limit=limit)
    return schemas.TicketList(items=[_ticket(t) for t in tickets],
                              next_before=tickets[-1].id if len(tickets) == limit else None)


@router.get("/v1/me/reports/{ticket_id}", response_model=schemas.Ticket, summary="One of my reports")
def my_report(ticket_id: int, reporter: CurrentAccount, session: DbSession) -> schemas.Ticket:
    ticket = complaints_service.get(session, ticket_id)
    if ticket.reporter_id != reporter.id:
        raise NotFound(f"ticket {ticket_id} does not exist", code="ticket_not_found")
    return _ticket(ticket)


@router.get("/v1/complaints/queue", response_model=schemas.Queue,
            summary="Reported items awaiting review: overdue first, then trusted reporters, then weight")
def queue(_: Staff, session: DbSession, limit: Limit = 50) -> schemas.Queue:
    return schemas.Queue(items=[schemas.QueueEntry.model_validate(e.__dict__)
                                for e in complaints_service.queue(session, limit=limit)])


@router.get("/v1/complaints/cases/{case_id}", response_model=schemas.CaseReports,
            summary="The reports aggregated into one review case: reporters, weights, notes")
def case_reports(case_id: int, _: Staff, session: DbSession) -> schemas.CaseReports:
    tickets = list(session.scalars(select(ComplaintTicket).where(ComplaintTicket.case_id == case_id)
                                   .order_by(ComplaintTicket.id)))
    return schemas.CaseReports(
        case_id=case_id, reporters=len(tickets), weight=round(sum(t.weight for t in tickets), 4),
        tickets=[_ticket(t, schemas.StaffTicket) for t in tickets],  # type: ignore[misc]
    )


@router.post("/v1/complaints/tickets/{ticket_id}/outcome", response_model=schemas.Ticket,
             summary="Decide a report about an account (item reports are decided on their review case)")
def ticket_outcome(ticket_id: int, body: schemas.TicketOutcome, staff: Staff, session: DbSession,
                   runtime: RuntimeDep) -> schemas.Ticket:
    ticket = complaints_service.get(session, ticket_id)
    if ticket.account_id is None:
        raise InvalidInput("reports on items are decided through their review case", code="decide_on_workbench",
                           detail={"case_id": ticket.case_id})
    if ticket.status not in OPEN_STATUSES:
        raise Conflict("this report is already disposed of", code="ticket_disposed")
    rule = rules_service.resolve_rule(session, body.rule_id)
    evidence_service.record(session, tag="complaint:account:decided", subject_type="account",
                            subject_id=ticket.account_id, actor_id=staff.id,
                            payload={"ticket_id": ticket.id, "decision": body.decision, "rule_id": rule.rule_id,
                                     "rule_version": rule.version, "note": body.note})
    complaints_service.dispose(session, runtime.settings, [ticket], decision=body.decision, decision_id=None,
                               rule_id=rule.rule_id)
    return _ticket(ticket)


@router.post("/v1/complaints/escalations", summary="Escalate overdue reports to the head of the review queue")
def escalate(_: Staff, session: DbSession) -> dict[str, int]:
    return {"escalated": complaints_service.escalate_overdue(session)}


@router.post("/v1/appeals", response_model=schemas.AppealView, status_code=status.HTTP_201_CREATED,
             summary="Appeal a decision on my content or account (once per decision, within the window)")
def create_appeal(body: schemas.AppealCreate, appellant: CurrentAccount, session: DbSession,
                  runtime: RuntimeDep) -> schemas.AppealView:
    if (body.decision_id is None) == (body.account_event_id is None):
        raise InvalidInput("appeal either a content decision or an account decision", code="invalid_target")
    if body.decision_id is not None:
        appeal = appeals.appeal_content_decision(session, runtime.settings, appellant, body.decision_id, body.reason)
    else:
        appeal = appeals.appeal_account_decision(session, runtime.settings, appellant, body.account_event_id,  # type: ignore[arg-type]
                                                 body.reason)
    return schemas.AppealView.model_validate(appeal)


@router.get("/v1/me/appeals", response_model=schemas.AppealList, summary="My appeals and their outcomes")
def my_appeals(appellant: CurrentAccount, session: DbSession) -> schemas.AppealList:
    return schemas.AppealList(items=[schemas.AppealView.model_validate(a) for a in appeals.mine(session, appellant.id)])


@router.post("/v1/appeals/{appeal_id}/decision", response_model=schemas.AppealView,
             summary="Decide an appeal of an account decision (by staff other than the original decider)")
def decide_appeal(appeal_id: int, body: schemas.AppealDecision, staff: Staff, session: DbSession) -> schemas.AppealView:
    rule = rules_service.resolve_rule(session, body.rule_id)
    appeal = appeals.decide_account_appeal(session, appeal_id, staff, overturn=body.decision == "overturn",
                                           note=body.note, rule=rule)
    return schemas.AppealView.model_validate(appeal)


routers = (router,)
