"""Reports and appeals in the browser: the report form files a ticket and shows its number
(R13.1, R13.2), a user follows their tickets to the result (R13.5) and appeals a decision from
its notice. Every page calls the complaints API's own route functions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.complaints import routes as complaints_api
from qinglang.complaints.schemas import AppealCreate, ReportCreate
from qinglang.deps import DbSession, RuntimeDep
from qinglang.errors import QinglangError
from qinglang.identity.models import Account
from qinglang.notices.models import Notice
from qinglang.rules.models import DocumentSlug
from qinglang.web import rendering
from qinglang.web.auth import Form, SignedIn
from qinglang.web.pages import public
from qinglang.web.rendering import PageRoute, render
from qinglang.web.schemas import FormInvalid, parse, refusal

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])

# Taken-down or limited items: what an author may contest (the API refuses the rest itself).
_APPEALABLE = ("removed", "blocked", "limited")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@router.post("/reports")
def file_report(request: Request, account: SignedIn, session: DbSession, runtime: RuntimeDep, data: Form) -> Response:
    t = rendering.context(request)["t"]
    values = data.fields("content_id", "category", "note", "evidence_links")
    raw_id = values.get("content_id", "").strip().lstrip("#")
    content_id = int(raw_id) if raw_id.isdigit() else None
    try:
        body = parse(
            ReportCreate,
            {
                "content_id": raw_id,
                "category": values.get("category", ""),
                "note": values.get("note", ""),
                "evidence_links": _lines(values.get("evidence_links", "")),
            },
            t,
        )
        if body.content_id is None:
            raise FormInvalid({"content_id": t("form.required")})
        ticket = complaints_api.create_report(body, account, session, runtime)
    except FormInvalid as invalid:
        return public.rule_page(
            request,
            session,
            DocumentSlug.REPORTING_METHODS,
            content_id=content_id,
            values=values,
            errors=invalid.errors,
            status_code=422,
        )
    except QinglangError as error:
        session.rollback()
        return public.rule_page(
            request,
            session,
            DocumentSlug.REPORTING_METHODS,
            content_id=content_id,
            values=values,
            errors={"_form": refusal(t, error)},
            status_code=error.status_code,
        )
    return rendering.redirect(f"/me/tickets/{ticket.id}", done="report.filed")


@router.get("/me/tickets", name="web.tickets")
def my_tickets(
    request: Request,
    account: SignedIn,
    session: DbSession,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    listing = complaints_api.my_reports(account, session, before=before, limit=50)
    return render(request, "me/tickets.html", tickets=listing.items, next_before=listing.next_before)


@router.get("/me/tickets/{ticket_id}", name="web.ticket")
def my_ticket(request: Request, ticket_id: int, account: SignedIn, session: DbSession) -> Response:
    ticket = complaints_api.my_report(ticket_id, account, session)
    return render(request, "me/ticket.html", ticket=ticket)


def _appealable_notices(session: Session, account: Account) -> list[Notice]:
    """Decision notices the author may still appeal from: the notice names the decision."""
    notices = session.scalars(
        select(Notice)
        .where(Notice.account_id == account.id, Notice.kind == "content_actioned")
        .order_by(Notice.id.desc())
        .limit(50)
    )
    return [n for n in notices if n.data.get("decision_id") and n.data.get("to") in _APPEALABLE]


def _appeals_page(
    request: Request,
    session: Session,
    account: Account,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    appeals = complaints_api.my_appeals(account, session).items
    appealed = {a.decision_id for a in appeals if a.decision_id}
    return render(
        request,
        "me/appeals.html",
        status_code=status_code,
        appeals=appeals,
        notices=[n for n in _appealable_notices(session, account) if n.data["decision_id"] not in appealed],
        values=values,
        errors=errors or {},
    )


@router.get("/me/appeals", name="web.appeals")
def my_appeals(
    request: Request,
    account: SignedIn,
    session: DbSession,
    decision_id: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    return _appeals_page(request, session, account, values={"decision_id": str(decision_id or ""), "reason": ""})


@router.post("/me/appeals")
def file_appeal(request: Request, account: SignedIn, session: DbSession, runtime: RuntimeDep, data: Form) -> Response:
    t = rendering.context(request)["t"]
    values = data.fields("decision_id", "reason")
    try:
        body = parse(AppealCreate, values, t)
        if body.decision_id is None:
            raise FormInvalid({"decision_id": t("form.required")})
        appeal = complaints_api.create_appeal(body, account, session, runtime)
    except FormInvalid as invalid:
        return _appeals_page(request, session, account, values=values, errors=invalid.errors, status_code=422)
    except QinglangError as error:
        session.rollback()
        return _appeals_page(
            request, session, account, values=values, errors={"_form": refusal(t, error)}, status_code=error.status_code
        )
    return rendering.redirect(f"/me/appeals#appeal-{appeal.id}", done="appeal.filed")
