"""The reviewer workbench (R11.1): the queue, a case with its evidence marked in the text, the
author's history, and one-click decisions citing a rule. A page reads what the workbench API
returns (the same functions), and a decision goes through ``pipeline.decide_case`` like the API's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang import pipeline
from qinglang.authority.models import AuthorityReport
from qinglang.complaints import routes as complaints_api
from qinglang.complaints.models import Appeal
from qinglang.content import service as content_service
from qinglang.db import utcnow
from qinglang.deps import DbSession, RuntimeDep
from qinglang.errors import QinglangError
from qinglang.identity.models import Account
from qinglang.review import routes as review_api
from qinglang.review import service as review_service
from qinglang.review.models import CaseStatus
from qinglang.review.schemas import DecisionCreate
from qinglang.rules import service as rules_service
from qinglang.settings import Settings
from qinglang.web import rendering
from qinglang.web.auth import Form, StaffPage
from qinglang.web.highlight import segments
from qinglang.web.rendering import PageRoute, render
from qinglang.web.schemas import FormInvalid, parse, refusal

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])


@router.get("/review", name="web.review")
def queue(request: Request, reviewer: StaffPage, session: DbSession) -> Response:
    cases = review_api.queue(reviewer, session, limit=100).items
    return render(request, "review/queue.html", cases=cases)


def _rule_choices(session: Session, categories: list[str]) -> tuple[list[dict], str | None]:
    """Every citable rule in force, and the first whose categories match the case, preselected."""
    choices = [
        {"rule_id": rule.rule_id, "title": rule.title, "document": document.title, "categories": rule.categories}
        for document in rules_service.current_documents(session)
        for rule in document.rules
    ]
    wanted = set(categories)
    suggested = next((c["rule_id"] for c in choices if wanted & set(c["categories"])), None)
    return choices, suggested


def _case_page(
    request: Request,
    session: Session,
    reviewer: Account,
    case_id: int,
    *,
    status_code: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    detail = review_api.case_detail(case_id, reviewer, session)
    content = detail.content
    body_spans = [(e.start, e.end, e.category) for e in detail.evidence if e.field != "title"]
    title_spans = [(e.start, e.end, e.category) for e in detail.evidence if e.field == "title"]
    rules, suggested = _rule_choices(session, detail.categories)
    related = list(
        session.scalars(
            select(AuthorityReport).where(AuthorityReport.content_id == content.id).order_by(AuthorityReport.id)
        )
    )
    return render(
        request,
        "review/case.html",
        status_code=status_code,
        complaints=complaints_api.case_reports(case_id, reviewer, session),
        appeal=session.scalar(select(Appeal).where(Appeal.case_id == case_id)),
        case=detail,
        content=content,
        body=segments(content.body, body_spans),
        title=segments(content.title, title_spans) if content.title else [],
        rules=rules,
        related=related,
        values=values or {"rule_id": suggested or "", "note": "", "labels": ""},
        errors=errors or {},
        held_by_me=detail.claimed_by == reviewer.id,
        held_by_other=detail.claimed_by not in (None, reviewer.id)
        and detail.claim_expires_at is not None
        and detail.claim_expires_at > utcnow(),
    )


def take_and_decide(
    session: Session, settings: Settings, case_id: int, reviewer: Account, body: DecisionCreate
) -> bool:
    """One click: taking the case and deciding it are one unit of work. True when it is final."""
    held = review_service.get(session, case_id)
    if held.claimed_by != reviewer.id or (held.claim_expires_at and held.claim_expires_at < utcnow()):
        review_service.claim(session, settings, case_id, reviewer)
    _, final = pipeline.decide_case(
        session,
        settings,
        case_id,
        reviewer,
        decision=body.decision,
        rule_id=body.rule_id,
        labels=body.labels,
        note=body.note,
    )
    return final


@router.get("/review/complaints", name="web.complaint_queue")
def complaint_queue(request: Request, reviewer: StaffPage, session: DbSession) -> Response:
    """Reported items awaiting review (R13.4): overdue first, then trusted reporters, then weight."""
    entries = complaints_api.queue(reviewer, session, limit=100).items
    return render(request, "review/complaints.html", entries=entries)


@router.get("/review/cases/{case_id}", name="web.case")
def case(request: Request, case_id: int, reviewer: StaffPage, session: DbSession) -> Response:
    return _case_page(request, session, reviewer, case_id)


@router.post("/review/cases/{case_id}/decide")
def decide(
    request: Request, case_id: int, reviewer: StaffPage, session: DbSession, runtime: RuntimeDep, data: Form
) -> Response:
    t = rendering.context(request)["t"]
    values = data.fields("decision", "rule_id", "note", "labels")
    labels = [label.strip() for label in values.get("labels", "").split(",") if label.strip()]
    try:
        body = parse(DecisionCreate, {**{k: v for k, v in values.items() if k != "labels"}, "labels": labels}, t)
        final = take_and_decide(session, runtime.settings, case_id, reviewer, body)
    except FormInvalid as invalid:
        return _case_page(request, session, reviewer, case_id, status_code=422, values=values, errors=invalid.errors)
    except QinglangError as error:
        session.rollback()
        return _case_page(
            request,
            session,
            reviewer,
            case_id,
            status_code=error.status_code,
            values=values,
            errors={"_form": refusal(t, error)},
        )
    decided = review_service.get(session, case_id)
    state = str(content_service.get(session, decided.content_id).state)
    if final:
        done = "review.decided"
    elif decided.status == CaseStatus.ESCALATED:
        done = "review.escalated"
    else:
        done = "review.handed_off"
    following = review_service.queue(session, reviewer, limit=1)
    target = f"/review/cases/{following[0].id}" if following else "/review"
    return rendering.redirect(target, done=done, state=state if final else "")


@router.post("/review/cases/{case_id}/release")
def release(case_id: int, reviewer: StaffPage, session: DbSession, _: Form) -> Response:
    review_service.release(session, review_service.get(session, case_id), reviewer)
    return rendering.redirect("/review")
