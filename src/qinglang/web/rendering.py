"""Templates, the navigation and how a refusal looks in a browser.

``PageRoute`` is the route class of every page: a domain error becomes a page in the user's
language (an anonymous visitor is sent to sign in instead), never the API's JSON. It catches the
error after the request's unit of work has rolled back, so a refused form leaves nothing
half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.routing import Match

from qinglang.errors import InvalidInput, NotAuthenticated, QinglangError
from qinglang.identity.models import Account, Role
from qinglang.web import auth, i18n

TEMPLATES = Path(__file__).parent / "templates"
# Pages show local time; the regulation is a municipal one.
DISPLAY_ZONE = ZoneInfo("Asia/Shanghai")

_ALL = frozenset(Role)
_STAFF = frozenset({Role.ADMIN, Role.REVIEWER})
_AUTHORITY = frozenset({Role.ADMIN, Role.AUTHORITY})
# Staff and officials reach their own tickets, appeals and credit from /me; the bar keeps their tools.
_USERS = frozenset({Role.USER})


@dataclass(frozen=True)
class NavEntry:
    path: str
    key: str
    roles: frozenset[Role] | None  # None: everyone, signed in or not


NAV = (
    NavEntry("/", "nav.home", None),
    NavEntry("/rules/management-rules", "nav.rules", None),
    NavEntry("/rules/reporting-methods", "nav.report", None),
    # Extension points: each entry appears as soon as a page is served at its path.
    # Issue 5 (rumours, feeds) and issue 6 (complaints, appeals, credit) fill these in.
    NavEntry("/hot", "nav.hot", None),
    NavEntry("/debunks", "nav.debunks", None),
    NavEntry("/me/tickets", "nav.complaints", _USERS),
    NavEntry("/me/appeals", "nav.appeals", _USERS),
    NavEntry("/me/credit", "nav.credit", _USERS),
    NavEntry("/me/feed", "nav.feeds", _USERS),
    NavEntry("/me", "nav.me", _ALL),
    NavEntry("/review", "nav.review", _STAFF),
    NavEntry("/review/complaints", "nav.complaint_queue", _STAFF),
    NavEntry("/staff/debunks", "nav.debunk_bank", _STAFF),
    NavEntry("/staff/interventions", "nav.interventions", _STAFF),
    NavEntry("/staff/credit", "nav.credit_admin", _STAFF),
    NavEntry("/staff/policy", "nav.policy", _STAFF),
    NavEntry("/staff/lexicon", "nav.lexicon", _STAFF),
    NavEntry("/staff/staffing", "nav.staffing", _STAFF),
    NavEntry("/authority", "nav.inbox", _AUTHORITY),
    NavEntry("/authority/supervision", "nav.supervision", _AUTHORITY),
    NavEntry("/compliance", "nav.compliance", _AUTHORITY),
)


def serves(app: Starlette, path: str) -> bool:
    """Whether the app answers GET ``path``: asked of the routes themselves, since included
    routers need not list their paths."""
    cache: dict[str, bool] = app.state.__dict__.setdefault("_web_serves", {})
    if path not in cache:
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "root_path": "",
            "query_string": b"",
            "headers": [],
            "app": app,
        }
        cache[path] = any(route.matches(scope)[0] == Match.FULL for route in app.routes)
    return cache[path]


def nav_for(request: Request, account: Account | None) -> list[NavEntry]:
    return [
        entry
        for entry in NAV
        if (entry.roles is None or (account is not None and account.role in entry.roles))
        and serves(request.app, entry.path)
    ]


def _local(value: dt.datetime | None, with_seconds: bool = False) -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(DISPLAY_ZONE).strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


@lru_cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local"] = _local
    env.filters["duration"] = _minutes
    return env


def language_of(request: Request) -> str:
    return i18n.pick_language(request.query_params.get("lang"), request.cookies.get(auth.LANG_COOKIE))


def context(request: Request, **values: Any) -> dict[str, Any]:
    language = language_of(request)
    account: Account | None = getattr(request.state, "viewer", None)
    nav = nav_for(request, account)
    path = request.url.path
    # The most specific entry is the current one: /review/complaints is not also /review.
    current = max(
        (e.path for e in nav if e.path == path or (e.path != "/" and path.startswith(e.path + "/"))),
        key=len,
        default=None,
    )
    return {
        "request": request,
        "t": i18n.translator(language),
        "lang": language,
        "viewer": account,
        "nav": nav,
        "current": current,
        "path": path,
        "csrf": auth.csrf_token(request),
        "flash": _flash(request),
        **values,
    }


def _flash(request: Request) -> str | None:
    # Only known UI text: a link must not make the site say whatever its query says.
    key = request.query_params.get("done")
    return key if key and i18n.has_text(key) else None


def render_html(template: str, values: dict[str, Any]) -> str:
    return environment().get_template(template).render(**values)


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    html = render_html(template, context(request, **values))
    response = HTMLResponse(html, status_code=status_code)
    query_language = request.query_params.get("lang")
    auth.set_cookies(request, response, language=language_of(request) if query_language else None)
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect(path: str, done: str | None = None, **query: str) -> RedirectResponse:
    """303 to ``path``; ``done`` names the UI text the next page shows as a confirmation."""
    path, _, fragment = path.partition("#")
    extra = {"done": done, **query} if done else query
    if extra:
        path += ("&" if "?" in path else "?") + "&".join(f"{k}={quote(v)}" for k, v in extra.items() if v)
    return RedirectResponse(path + (f"#{fragment}" if fragment else ""), status_code=303)


def error_page(request: Request, error: QinglangError) -> Response:
    t = i18n.translator(language_of(request))
    key = f"error.{error.code}"
    message = t(key) if i18n.has_text(key) else error.message
    return render(request, "error.html", status_code=error.status_code, error=error, message=message)


class PageRoute(APIRoute):
    """Routes that answer with pages: errors become pages, anonymous visitors go to sign in."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except NotAuthenticated:
                target = request.url.path if request.method == "GET" else "/"
                if request.url.query and request.method == "GET":
                    target += "?" + request.url.query
                return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)
            except QinglangError as error:
                return error_page(request, error)
            except RequestValidationError as error:
                message = "; ".join(str(e.get("msg")) for e in error.errors())
                return error_page(request, InvalidInput(message))

        return page


def safe_next(target: str | None) -> str:
    """Only paths on this site: ``next`` must not send a fresh session to somebody else's page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/me"
    return target


def markup(html: str) -> Markup:
    return Markup(html)
