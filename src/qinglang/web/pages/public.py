"""Pages anyone can open: the posts with a report entry on each (R13.2), the published rules,
conventions, agreement and reporting methods (R10.1, R13.3), and signing in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from markdown_it import MarkdownIt
from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.content import service as content_service
from qinglang.deps import DbSession, RuntimeDep
from qinglang.detection.signals import CATEGORIES
from qinglang.errors import QinglangError
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.identity.schemas import SessionCreate
from qinglang.rules import service as rules_service
from qinglang.rules.models import DocumentSlug
from qinglang.web import auth, rendering
from qinglang.web.auth import Form, Viewer
from qinglang.web.rendering import PageRoute, render
from qinglang.web.schemas import FormInvalid, parse

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web", "public"])

# Labels that mark false information; once the debunk bank has pages, they link to them (R5.1).
FALSE_INFORMATION_LABELS = frozenset({"rumour", "false_information", "disputed", "debunked"})


def handles(session: Session, account_ids: set[int]) -> dict[int, str]:
    if not account_ids:
        return {}
    return dict(session.execute(select(Account.id, Account.handle).where(Account.id.in_(account_ids))).all())


@router.get("/", name="web.home")
def home(
    request: Request, session: DbSession, _: Viewer, before: Annotated[int | None, Query(ge=1)] = None
) -> Response:
    limit = 20
    # The public read path: exactly what the anonymous API shows, nothing held or removed (R14.1).
    items = content_service.posts(session, None, before=before, limit=limit)
    return render(
        request,
        "home.html",
        items=items,
        authors=handles(session, {i.author_id for i in items}),
        next_before=items[-1].id if len(items) == limit else None,
        false_labels=FALSE_INFORMATION_LABELS,
        debunks_served=rendering.serves(request.app, "/debunks"),
    )


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


@router.get("/rules/{slug}", name="web.rules")
def rule_document(
    request: Request,
    slug: DocumentSlug,
    session: DbSession,
    _: Viewer,
    content_id: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    return rule_page(request, session, slug, content_id=content_id)


def rule_page(
    request: Request,
    session: Session,
    slug: DocumentSlug,
    *,
    content_id: int | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """A published document; the reporting methods carry the report form (R13.2, R13.3), which a
    refused report renders again with what the reporter typed."""
    document = rules_service.current(session, slug)
    documents = rules_service.current_documents(session)
    return render(
        request,
        "rule.html",
        status_code=status_code,
        document=document,
        documents=documents,
        body=rendering.markup(_markdown.render(document.body_md)),
        content_id=content_id,
        reporting=slug == DocumentSlug.REPORTING_METHODS,
        categories=CATEGORIES,
        values=values or {"category": "", "note": "", "evidence_links": ""},
        errors=errors or {},
    )


@router.get("/sign-in", name="web.sign_in")
def sign_in_page(request: Request, _: Viewer, next: str | None = None) -> Response:
    return render(request, "sign_in.html", values={"handle": ""}, errors={}, next=rendering.safe_next(next))


@router.post("/sign-in")
def sign_in(request: Request, session: DbSession, runtime: RuntimeDep, data: Form) -> Response:
    t = rendering.context(request)["t"]
    target = rendering.safe_next(data.get("next"))
    values = data.fields("handle", "password")
    try:
        body = parse(SessionCreate, values, t)
        token, record = identity_service.sign_in(session, runtime.settings, body.handle, body.password)
    except FormInvalid as invalid:
        return render(request, "sign_in.html", status_code=422, values=values, errors=invalid.errors, next=target)
    except QinglangError as error:
        session.rollback()
        message = t("signin.failed") if error.code == "invalid_credentials" else error.message
        return render(
            request,
            "sign_in.html",
            status_code=error.status_code,
            values=values,
            errors={"_form": message},
            next=target,
        )
    response = rendering.redirect(target)
    auth.start_session(request, response, token, max_age=runtime.settings.token_ttl_hours * 3600)
    return response


@router.post("/sign-out")
def sign_out(_: Form) -> Response:
    response = rendering.redirect("/")
    auth.end_session(response)
    return response
