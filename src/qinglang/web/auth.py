"""Browser sign-in: the API's bearer token in a cookie, CSRF on every form, the API's roles.

The session cookie holds the same token ``POST /v1/sessions`` returns (HttpOnly, SameSite=Lax),
so revoking a token signs the browser out too. The JSON API never reads this cookie: if it did,
any site could make a signed-in browser call it, which is what CSRF tokens exist to stop.

CSRF is a double submit: a random value in a cookie and the same value in a hidden field of
every form. Another site can make the browser send the cookie but cannot read it to fill the
field.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request, Response

from qinglang.deps import DbSession
from qinglang.errors import Forbidden, InvalidInput, NotAuthenticated, QinglangError
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account, Role

SESSION_COOKIE = "ql_session"
CSRF_COOKIE = "ql_csrf"
LANG_COOKIE = "ql_lang"
CSRF_FIELD = "csrf"


def viewer(request: Request, session: DbSession) -> Account | None:
    """Whoever the session cookie names, or None; a stale cookie is simply signed out."""
    account = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            account = identity_service.authenticate(session, token)
        except QinglangError:
            account = None
    request.state.viewer = account
    return account


Viewer = Annotated[Account | None, Depends(viewer)]


def signed_in(account: Viewer) -> Account:
    if account is None:
        raise NotAuthenticated("sign in first", code="not_authenticated")
    return account


SignedIn = Annotated[Account, Depends(signed_in)]


def page_roles(*roles: Role) -> Callable[[Account], Account]:
    """The same role sets as ``qinglang.deps``: a page shows what its API lets the role see."""
    allowed = frozenset(roles)

    def check(account: SignedIn) -> Account:
        if account.role not in allowed:
            raise Forbidden(f"this needs one of the roles: {', '.join(sorted(allowed))}", code="role_required")
        return account

    return check


StaffPage = Annotated[Account, Depends(page_roles(Role.ADMIN, Role.REVIEWER))]
AdminPage = Annotated[Account, Depends(page_roles(Role.ADMIN))]
AuthorityPage = Annotated[Account, Depends(page_roles(Role.AUTHORITY, Role.ADMIN))]


class FormData:
    """A url-encoded form, keeping repeated fields (checkboxes) and the order they came in."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.pairs if k == name), default)

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def fields(self, *names: str) -> dict[str, str]:
        """The named fields that were sent; fields nobody asked for are left out, not smuggled in."""
        sent = {k for k, _ in self.pairs}
        return {name: self.get(name) for name in names if name in sent}


async def form(request: Request) -> FormData:
    """The posted form, after the CSRF check. Raised errors render as pages, not JSON."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/x-www-form-urlencoded":
        raise InvalidInput("send the form as application/x-www-form-urlencoded", code="form_expected")
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the form is not UTF-8", code="form_expected") from None
    pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=200)
    sent = next((v for k, v in pairs if k == CSRF_FIELD), "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise Forbidden("the form's CSRF token does not match", code="csrf_failed")
    return FormData([(k, v) for k, v in pairs if k != CSRF_FIELD])


Form = Annotated[FormData, Depends(form)]


def csrf_token(request: Request) -> str:
    """The browser's CSRF value; a new one is made (and set by ``render``) when it has none."""
    existing = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if existing:
        return existing
    request.state.new_csrf = secrets.token_urlsafe(32)
    return request.state.new_csrf


def set_cookies(request: Request, response: Response, *, language: str | None = None) -> None:
    secure = request.url.scheme == "https"
    new_csrf = getattr(request.state, "new_csrf", None)
    if new_csrf:
        response.set_cookie(CSRF_COOKIE, new_csrf, httponly=True, samesite="lax", secure=secure, path="/")
    if language:
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 86400, samesite="lax", secure=secure, path="/")


def start_session(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    # A fresh CSRF value per sign-in: one planted before sign-in must not carry over.
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(32),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
