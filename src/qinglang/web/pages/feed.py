"""Feeds in the browser: the hot list and search for everyone (R12.1), a user's home feed with
their interest tags and the personalisation switch (R12.3), and the staff's manual interventions
with a reason and an expiry (R12.2). Pages call the feed API's route functions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from qinglang.deps import DbSession, RuntimeDep
from qinglang.errors import QinglangError
from qinglang.feed import routes as feed_api
from qinglang.feed.models import FeedSurface, InterventionAction
from qinglang.feed.schemas import InterventionCreate, InterventionRevoke, PreferenceUpdate
from qinglang.identity.models import Account
from qinglang.web import rendering
from qinglang.web.auth import Form, SignedIn, StaffPage, Viewer
from qinglang.web.pages.public import FALSE_INFORMATION_LABELS, handles
from qinglang.web.rendering import DISPLAY_ZONE, PageRoute, render
from qinglang.web.schemas import FormInvalid, parse, refusal

public = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web", "public"])
router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])


def _items(request: Request, session: Session, template: str, items: list, **values: object) -> Response:
    return render(
        request,
        template,
        items=items,
        authors=handles(session, {i.author_id for i in items}),
        false_labels=FALSE_INFORMATION_LABELS,
        debunks_served=True,
        **values,
    )


@public.get("/hot", name="web.hot")
def hot(request: Request, session: DbSession, runtime: RuntimeDep, viewer: Viewer) -> Response:
    feed = feed_api.hot_list(session, runtime, viewer, limit=30)
    return _items(request, session, "feed/list.html", feed.items, heading="hot.title", q="")


@public.get("/search", name="web.search")
def search(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    viewer: Viewer,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    query = q.strip()
    items = feed_api.search(query, session, runtime, viewer, limit=30).items if query else []
    return _items(request, session, "feed/list.html", items, heading="search.title", q=query)


@router.get("/me/feed", name="web.my_feed")
def my_feed(request: Request, account: SignedIn, session: DbSession, runtime: RuntimeDep) -> Response:
    feed = feed_api.home_feed(account, session, runtime, limit=20, offset=0)
    return _items(
        request,
        session,
        "me/feed.html",
        feed.items,
        personalised=feed_api.my_preferences(account, session).personalised,
        interests=feed_api.my_interests(account, session).items,
    )


@router.post("/me/feed/preferences")
def set_personalisation(account: SignedIn, session: DbSession, data: Form) -> Response:
    wanted = data.get("personalised") == "on"
    feed_api.set_preferences(PreferenceUpdate(personalised=wanted), account, session)
    return rendering.redirect("/me/feed#preferences", done="feed.on" if wanted else "feed.off")


@router.post("/me/interests/forget")
def forget_interest(account: SignedIn, session: DbSession, data: Form) -> Response:
    feed_api.forget_interest(data.get("tag"), account, session)
    return rendering.redirect("/me/feed#interests", done="feed.forgotten")


def _local_time(value: str) -> str:
    """A ``datetime-local`` field has no zone: it is the local time the page shows."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # the model refuses it with its own message
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=DISPLAY_ZONE)
    return parsed.isoformat()


def _interventions_page(
    request: Request,
    session: Session,
    account: Account,
    *,
    show_all: bool = False,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    listing = feed_api.list_interventions(account, session, active=not show_all)
    tomorrow = dt.datetime.now(DISPLAY_ZONE) + dt.timedelta(days=1)
    return render(
        request,
        "staff/interventions.html",
        status_code=status_code,
        interventions=listing.items,
        show_all=show_all,
        surfaces=list(FeedSurface),
        actions=list(InterventionAction),
        values=values
        or {
            "content_id": "",
            "surface": "hot",
            "action": "pin",
            "reason": "",
            "weight": "1",
            "expires_at": tomorrow.strftime("%Y-%m-%dT%H:%M"),
        },
        errors=errors or {},
    )


@router.get("/staff/interventions", name="web.interventions")
def interventions(request: Request, account: StaffPage, session: DbSession, all: bool = False) -> Response:
    return _interventions_page(request, session, account, show_all=all)


@router.post("/staff/interventions")
def intervene(request: Request, account: StaffPage, session: DbSession, data: Form) -> Response:
    t = rendering.context(request)["t"]
    values = data.fields("content_id", "surface", "action", "reason", "weight", "expires_at")
    try:
        body = parse(InterventionCreate, {**values, "expires_at": _local_time(values.get("expires_at", ""))}, t)
        created = feed_api.intervene(body, account, session)
    except FormInvalid as invalid:
        return _interventions_page(request, session, account, values=values, errors=invalid.errors, status_code=422)
    except QinglangError as error:
        session.rollback()
        return _interventions_page(
            request, session, account, values=values, errors={"_form": refusal(t, error)}, status_code=error.status_code
        )
    return rendering.redirect(f"/staff/interventions#intervention-{created.id}", done="interventions.created")


@router.post("/staff/interventions/{intervention_id}/revoke")
def revoke(request: Request, intervention_id: int, account: StaffPage, session: DbSession, data: Form) -> Response:
    t = rendering.context(request)["t"]
    try:
        body = parse(InterventionRevoke, data.fields("reason"), t)
        feed_api.revoke_intervention(intervention_id, body, account, session)
    except FormInvalid as invalid:
        problem = {"_form": f"{t('interventions.revoke_reason')}: {invalid.errors.get('reason', '')}"}
        return _interventions_page(request, session, account, errors=problem, status_code=422)
    except QinglangError as error:
        session.rollback()
        return _interventions_page(
            request, session, account, errors={"_form": refusal(t, error)}, status_code=error.status_code
        )
    return rendering.redirect("/staff/interventions", done="interventions.revoked")
