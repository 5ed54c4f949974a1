"""Staff pages: policy versions with their check results and a draft check/backtest form (R9.1),
the platform lexicon, and the staffing report (R11.2). Each reads through the API's functions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.deps import DbSession, RuntimeDep
from qinglang.detection import routes as lexicon_api
from qinglang.identity.models import Account
from qinglang.policy import routes as policy_api
from qinglang.policy import service as policy_service
from qinglang.policy.schemas import PolicyCheck
from qinglang.web import charts, rendering
from qinglang.web.auth import Form, StaffPage
from qinglang.web.rendering import PageRoute, render
from qinglang.web.schemas import FormInvalid, parse

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])


def _policy_page(
    request: Request,
    session: Session,
    account: Account,
    *,
    draft: str | None = None,
    check: object | None = None,
    backtest: object | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    records = policy_service.versions(session)
    current = policy_service.current_version(session)
    # Each stored version is checked again against the rules published today: a rule it cites
    # may have been withdrawn since it was published.
    checks = {r.version: policy_api.check(PolicyCheck(text=r.text), account, session) for r in records}
    return render(
        request,
        "staff/policy.html",
        status_code=status_code,
        records=records,
        current=current,
        checks=checks,
        draft=draft if draft is not None else (current.text if current else ""),
        check=check,
        backtest=backtest,
        errors=errors or {},
    )


@router.get("/staff/policy", name="web.policy")
def policy(request: Request, account: StaffPage, session: DbSession) -> Response:
    return _policy_page(request, session, account)


@router.post("/staff/policy")
def policy_draft(request: Request, account: StaffPage, session: DbSession, data: Form) -> Response:
    t = rendering.context(request)["t"]
    text = data.get("text")
    try:
        body = parse(PolicyCheck, {"text": text}, t)
    except FormInvalid as invalid:
        return _policy_page(request, session, account, draft=text, errors=invalid.errors, status_code=422)
    check = policy_api.check(body, account, session)
    backtest = None
    if check.valid and data.get("action") == "backtest":
        backtest = policy_api.backtest(body, account, session)
    # Checking and replaying write nothing; whatever a backtest touched is not kept.
    session.rollback()
    return _policy_page(
        request, session, account, draft=text, check=check, backtest=backtest, status_code=200 if check.valid else 422
    )


@router.get("/staff/lexicon", name="web.lexicon")
def lexicon(
    request: Request,
    account: StaffPage,
    session: DbSession,
    category: str | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    terms = lexicon_api.list_terms(
        account, session, category=category or None, tier=None, q=q or None, limit=500, offset=0
    )
    versions = lexicon_api.list_versions(account, session)
    return render(request, "staff/lexicon.html", terms=terms, versions=versions, category=category or "", q=q or "")


@router.get("/staff/staffing", name="web.staffing")
def staffing(
    request: Request,
    account: StaffPage,
    session: DbSession,
    runtime: RuntimeDep,
    days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> Response:
    from qinglang.review import routes as review_api

    report = review_api.staffing_report(account, session, runtime, days=days)
    names = (
        dict(
            session.execute(
                select(Account.id, Account.handle).where(Account.id.in_(set(report.decisions_per_reviewer)))
            ).all()
        )
        if report.decisions_per_reviewer
        else {}
    )
    chart = charts.bars(
        [charts.Bar(names.get(rid, f"#{rid}"), n) for rid, n in sorted(report.decisions_per_reviewer.items())],
        title=rendering.context(request)["t"]("staffing.per_reviewer"),
    )
    return render(request, "staff/staffing.html", report=report, chart=chart, days=days)
