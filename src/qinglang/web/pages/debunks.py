"""Debunks in the browser: the public pages (R5.1), reached also from the false-information label
on a post, and the staff's debunk bank with the suggested matches a reviewer confirms (R9.7).
Pages call the rumours API's route functions; a confirmation is a review decision
(``pipeline.decide_case``), like any other."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.content import service as content_service
from qinglang.content.models import ContentItem
from qinglang.deps import DbSession, RuntimeDep
from qinglang.errors import QinglangError
from qinglang.review.models import CaseStatus, ReviewCase
from qinglang.review.schemas import DecisionCreate
from qinglang.rumors import matching
from qinglang.rumors import routes as rumors_api
from qinglang.rumors import service as rumors_service
from qinglang.rumors.models import ClaimHit, ClaimVerdict
from qinglang.rumors.schemas import ClaimCreate
from qinglang.web import rendering
from qinglang.web.auth import Form, StaffPage, Viewer
from qinglang.web.pages.review import take_and_decide
from qinglang.web.rendering import PageRoute, render
from qinglang.web.schemas import FormInvalid, parse, refusal

public = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web", "public"])
staff = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])

SUGGESTED_RULE = "possible-debunked-claim"
# What confirming a suggested match does: what the policy does on a sure match (limit, labelled).
CONFIRM_RULE = "MR-7.6"
_CLAIM_REF = re.compile(r"\bclaim:(\d+)\b")


def _claims_of_item(session: Session, item: ContentItem) -> list[int]:
    """The debunks a labelled item was ruled on; an item labelled moments ago may not have its
    hit recorded yet, so the same matcher the gate uses answers then."""
    hits = list(session.scalars(select(ClaimHit.claim_id).where(ClaimHit.content_id == item.id)))
    if hits:
        return hits
    found = matching.find(session, matching.item_text(item.title, item.body))
    return [m.claim_id for m in found if m.verdict in rumors_service.DEBUNKED]


@public.get("/debunks", name="web.debunks")
def debunks(
    request: Request,
    session: DbSession,
    viewer: Viewer,
    q: Annotated[str | None, Query(max_length=100)] = None,
    content_id: Annotated[int | None, Query(ge=1)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    if content_id is not None:
        # Only an item this visitor may read: the label must not reveal what a hidden item says.
        item = content_service.get_visible(session, content_id, viewer.id if viewer else None)
        claims = _claims_of_item(session, item)
        if len(claims) == 1:
            return rendering.redirect(f"/debunks/{claims[0]}")
        items = [d for d in (_public_debunk(session, c) for c in claims) if d is not None]
        return render(request, "debunks/list.html", debunks=items, q="", next_before=None, content_id=content_id)
    listing = rumors_api.list_debunks(session, q=q or None, before=before, limit=20)
    return render(
        request, "debunks/list.html", debunks=listing.items, q=q or "", next_before=listing.next_before, content_id=None
    )


def _public_debunk(session: Session, claim_id: int) -> object | None:
    try:
        return rumors_api.get_debunk(claim_id, session)
    except QinglangError:
        return None


@public.get("/debunks/{claim_id}", name="web.debunk")
def debunk(request: Request, claim_id: int, session: DbSession, _: Viewer) -> Response:
    return render(request, "debunks/page.html", debunk=rumors_api.get_debunk(claim_id, session))


@dataclass(frozen=True)
class Suggestion:
    case: ReviewCase
    item: ContentItem
    claim_id: int | None
    claim_text: str
    detail: str


def suggestions(session: Session, limit: int = 50) -> list[Suggestion]:
    """Pending cases the policy opened for a possible match against the bank, oldest first."""
    cases = session.scalars(
        select(ReviewCase)
        .where(ReviewCase.status.in_((CaseStatus.OPEN, CaseStatus.CLAIMED)))
        .order_by(ReviewCase.id)
        .limit(limit * 10)
    )
    found = []
    for case in cases:
        reasons = [r for r in case.policy_reasons if r.get("policy_rule") == SUGGESTED_RULE]
        if not reasons:
            continue
        spans = [e for r in reasons for e in r.get("evidence", []) if e.get("source") == "claim_match"]
        details = [e.get("detail") or "" for e in spans]
        claim_ids = [int(m.group(1)) for d in details if (m := _CLAIM_REF.search(d))]
        claim_id = claim_ids[0] if claim_ids else None
        claim_text = rumors_service.get(session, claim_id).text if claim_id else ""
        found.append(
            Suggestion(
                case, content_service.get(session, case.content_id), claim_id, claim_text, details[0] if details else ""
            )
        )
        if len(found) == limit:
            break
    return found


def _bank_page(
    request: Request,
    session: Session,
    *,
    q: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "staff/debunks.html",
        status_code=status_code,
        problem=problem,
        suggestions=suggestions(session),
        bank=rumors_api.list_debunks(session, q=q or None, before=None, limit=50).items,
        q=q,
        verdicts=list(ClaimVerdict),
        values=values or {"text": "", "verdict": "false", "debunk": "", "sources": "", "publisher": "", "url": ""},
        errors=errors or {},
    )


@staff.get("/staff/debunks", name="web.debunk_bank")
def bank(request: Request, _: StaffPage, session: DbSession, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    return _bank_page(request, session, q=q.strip())


@staff.post("/staff/debunks")
def add_claim(request: Request, reviewer: StaffPage, session: DbSession, data: Form) -> Response:
    t = rendering.context(request)["t"]
    values = data.fields("text", "verdict", "debunk", "sources", "publisher", "url")
    sources = [line.strip() for line in values.get("sources", "").splitlines() if line.strip()]
    try:
        body = parse(ClaimCreate, {**{k: v for k, v in values.items() if k != "sources"}, "sources": sources}, t)
        claim = rumors_api.add_claim(body, reviewer, session)
    except FormInvalid as invalid:
        return _bank_page(request, session, values=values, errors=invalid.errors, status_code=422)
    except QinglangError as error:
        session.rollback()
        return _bank_page(
            request, session, values=values, errors={"_form": refusal(t, error)}, status_code=error.status_code
        )
    return rendering.redirect(f"/staff/debunks#claim-{claim.id}", done="debunks.added")


@staff.post("/staff/debunks/suggestions/{case_id}")
def confirm(
    request: Request, case_id: int, reviewer: StaffPage, session: DbSession, runtime: RuntimeDep, data: Form
) -> Response:
    """Confirm a suggested match (the item says the debunked claim) or dismiss it."""
    t = rendering.context(request)["t"]
    confirmed = data.get("decision") == "confirm"
    body = DecisionCreate(
        decision="limit" if confirmed else "allow",
        rule_id=CONFIRM_RULE,
        labels=["false_information"] if confirmed else [],
        note=data.get("note") or None,
    )
    try:
        take_and_decide(session, runtime.settings, case_id, reviewer, body)
    except QinglangError as error:
        session.rollback()
        return _bank_page(request, session, problem=refusal(t, error), status_code=error.status_code)
    return rendering.redirect("/staff/debunks", done="debunks.confirmed" if confirmed else "debunks.dismissed")
