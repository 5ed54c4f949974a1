"""Account credit in the browser (R10.3): a user's score, tier, what every tier means and the
history with reasons; staff look up any account and admins adjust it with a reason. The pages
call the credit API's route functions, so they show exactly what the API answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from qinglang.credit import routes as credit_api
from qinglang.credit.schemas import Adjustment
from qinglang.deps import DbSession, RuntimeDep
from qinglang.errors import QinglangError
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account, Role
from qinglang.runtime import Runtime
from qinglang.web import rendering
from qinglang.web.auth import AdminPage, Form, SignedIn, StaffPage
from qinglang.web.rendering import PageRoute, render
from qinglang.web.schemas import FormInvalid, parse, refusal

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])


@router.get("/me/credit", name="web.credit")
def my_credit(
    request: Request,
    account: SignedIn,
    session: DbSession,
    runtime: RuntimeDep,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    credit = credit_api.my_credit(account, session, runtime, before=before, limit=50)
    return render(request, "me/credit.html", credit=credit, subject=account)


def _staff_page(
    request: Request,
    session: Session,
    runtime: Runtime,
    staff: Account,
    handle: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    subject = identity_service.by_handle(session, handle) if handle else None
    credit = credit_api.account_credit(subject.id, staff, session, runtime, before=None, limit=50) if subject else None
    return render(
        request,
        "staff/credit.html",
        status_code=status_code,
        handle=handle,
        subject=subject,
        credit=credit,
        can_adjust=staff.role == Role.ADMIN,
        values=values or {"points": "", "reason": ""},
        errors=errors or {},
    )


@router.get("/staff/credit", name="web.staff_credit")
def account_credit(
    request: Request,
    staff: StaffPage,
    session: DbSession,
    runtime: RuntimeDep,
    handle: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return _staff_page(request, session, runtime, staff, handle.strip())


@router.post("/staff/credit/{account_id}/adjust")
def adjust(
    request: Request, account_id: int, admin: AdminPage, session: DbSession, runtime: RuntimeDep, data: Form
) -> Response:
    t = rendering.context(request)["t"]
    subject = identity_service.get(session, account_id)
    values = data.fields("points", "reason")
    try:
        body = parse(Adjustment, values, t)
        credit_api.adjust(account_id, body, admin, session, runtime)
    except FormInvalid as invalid:
        return _staff_page(
            request, session, runtime, admin, subject.handle, values=values, errors=invalid.errors, status_code=422
        )
    except QinglangError as error:
        session.rollback()
        return _staff_page(
            request,
            session,
            runtime,
            admin,
            subject.handle,
            values=values,
            errors={"_form": refusal(t, error)},
            status_code=error.status_code,
        )
    return rendering.redirect("/staff/credit", done="credit.adjusted", handle=subject.handle)
