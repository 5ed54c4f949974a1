"""A user's own page: their content with its state, their notices (R13.5) and a form to post.

Extension point: ``SECTIONS`` lists further panels as (template, "module:function"); the
function takes (session, account) and returns the template's values. Issue 6 adds tickets,
appeals and credit here, issue 5 interest tags and the personalisation switch.
"""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from qinglang import pipeline
from qinglang.content import service as content_service
from qinglang.content.models import ContentKind
from qinglang.content.schemas import PostCreate
from qinglang.deps import DbSession, RuntimeDep
from qinglang.errors import QinglangError
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.notices import service as notices_service
from qinglang.rules import service as rules_service
from qinglang.web import rendering
from qinglang.web.auth import Form, SignedIn
from qinglang.web.rendering import PageRoute, render
from qinglang.web.schemas import FormInvalid, parse

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])

SECTIONS: tuple[tuple[str, str], ...] = ()


def _sections(session: Session, account: Account) -> list[dict[str, Any]]:
    result = []
    for template, target in SECTIONS:
        module, _, function = target.partition(":")
        values = getattr(importlib.import_module(module), function)(session, account)
        result.append({"template": template, "values": values})
    return result


def _page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    account: Account,
    *,
    status_code: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    items = content_service.posts(session, account.id, author_id=account.id, limit=50)
    notices, unread = notices_service.inbox(session, account.id, limit=50)
    return render(
        request,
        "me/page.html",
        status_code=status_code,
        account=account,
        items=items,
        notices=notices,
        unread=unread,
        sections=_sections(session, account),
        verified=account.identity_id is not None,
        is_minor=identity_service.is_minor(account, runtime.settings),
        agreement=rules_service.accepted_version(session, account.id),
        values=values or {"title": "", "body": ""},
        errors=errors or {},
    )


@router.get("/me", name="web.me")
def my_page(request: Request, account: SignedIn, session: DbSession, runtime: RuntimeDep) -> Response:
    return _page(request, session, runtime, account)


@router.post("/me/posts")
def publish(request: Request, account: SignedIn, session: DbSession, runtime: RuntimeDep, data: Form) -> Response:
    t = rendering.context(request)["t"]
    values = data.fields("title", "body")
    try:
        body = parse(PostCreate, values, t)
        item = pipeline.submit(
            session,
            runtime.settings,
            runtime.gate,
            account,
            pipeline.Draft(kind=ContentKind.POST, body=body.body, title=body.title),
        )
    except FormInvalid as invalid:
        return _page(request, session, runtime, account, status_code=422, values=values, errors=invalid.errors)
    except QinglangError as error:
        # Nothing of a refused submission may stay; the text stays in the form for another try.
        session.rollback()
        return _page(
            request,
            session,
            runtime,
            account,
            status_code=error.status_code,
            values=values,
            errors={"_form": f"{error.message} ({error.code})"},
        )
    return rendering.redirect(f"/me#item-{item.id}", done="me.posted")


@router.post("/me/notices/read")
def mark_read(account: SignedIn, session: DbSession, data: Form) -> Response:
    up_to = data.get("up_to_id")
    if up_to.isdigit():
        notices_service.mark_read(session, account.id, int(up_to))
    return rendering.redirect("/me#notices")
