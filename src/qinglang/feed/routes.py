"""Feeds (R12.1), user choice (R12.3), staff interventions (R12.2) and encouragement (R6.1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from qinglang import pipeline
from qinglang.content.schemas import ContentItem as ContentView
from qinglang.deps import CurrentAccount, DbSession, RuntimeDep, Staff
from qinglang.feed import ranking, schemas
from qinglang.feed import service as feed_service
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.settings import Settings

router = APIRouter(prefix="/v1", tags=["feed"])
public = APIRouter(prefix="/v1", tags=["feed", "public"])
_optional_bearer = HTTPBearer(auto_error=False, description="Optional: signed-in viewers get their own filters.")
Limit = Annotated[int, Query(ge=1, le=50)]


def optional_account(
    session: DbSession, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)]
) -> Account | None:
    return identity_service.authenticate(session, credentials.credentials) if credentials else None


def _viewer(session: DbSession, settings: Settings, account: Account | None, *, personalise: bool) -> ranking.Viewer:
    if account is None:
        return ranking.Viewer(account_id=None, minor=True)
    return ranking.Viewer(
        account_id=account.id, minor=identity_service.is_minor(account, settings) is not False,
        personalised=personalise and feed_service.personalised(session, account.id),
    )


def _feed(surface: str, viewer: ranking.Viewer, items: list) -> schemas.Feed:
    return schemas.Feed(surface=surface, personalised=viewer.personalised,
                        items=[ContentView.model_validate(i) for i in items])


@router.get("/feed", response_model=schemas.Feed, summary="My home feed: fresh, engaging, by my interests")
def home_feed(account: CurrentAccount, session: DbSession, runtime: RuntimeDep, limit: Limit = 20,
              offset: Annotated[int, Query(ge=0, le=500)] = 0) -> schemas.Feed:
    viewer = _viewer(session, runtime.settings, account, personalise=True)
    return _feed("feed", viewer, ranking.home(session, runtime.settings, viewer, limit=limit, offset=offset))


@public.get("/feed/hot", response_model=schemas.Feed, summary="The hot list (the same for everyone)")
def hot_list(session: DbSession, runtime: RuntimeDep, account: Annotated[Account | None, Depends(optional_account)],
             limit: Limit = 20) -> schemas.Feed:
    viewer = _viewer(session, runtime.settings, account, personalise=False)
    return _feed("hot", viewer, ranking.hot(session, runtime.settings, viewer, limit=limit))


@public.get("/search", response_model=schemas.Feed, summary="Search posts")
def search(q: Annotated[str, Query(min_length=1, max_length=100)], session: DbSession, runtime: RuntimeDep,
           account: Annotated[Account | None, Depends(optional_account)], limit: Limit = 20) -> schemas.Feed:
    viewer = _viewer(session, runtime.settings, account, personalise=False)
    return _feed("search", viewer, ranking.search(session, runtime.settings, viewer, q, limit=limit))


@router.get("/me/feed/preferences", response_model=schemas.Preference)
def my_preferences(account: CurrentAccount, session: DbSession) -> schemas.Preference:
    return schemas.Preference(personalised=feed_service.personalised(session, account.id))


@router.put("/me/feed/preferences", response_model=schemas.Preference,
            summary="Switch personalisation on or off (R12.3)")
def set_preferences(body: schemas.PreferenceUpdate, account: CurrentAccount, session: DbSession
                    ) -> schemas.Preference:
    return schemas.Preference(personalised=feed_service.set_personalised(session, account.id,
                                                                         body.personalised).personalised)


@router.get("/me/interests", response_model=schemas.InterestList, summary="The interest tags learned about me")
def my_interests(account: CurrentAccount, session: DbSession) -> schemas.InterestList:
    return schemas.InterestList(items=[schemas.Interest.model_validate(t)
                                       for t in feed_service.interests(session, account.id)])


@router.delete("/me/interests/{tag}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an interest tag")
def forget_interest(tag: str, account: CurrentAccount, session: DbSession) -> None:
    feed_service.forget_interest(session, account.id, tag)


@router.post("/content/{item_id}/not-interested", status_code=status.HTTP_204_NO_CONTENT,
             summary="Not interested: hide the item from my feeds and show less like it")
def not_interested(item_id: int, account: CurrentAccount, session: DbSession) -> None:
    feed_service.not_interested(session, account.id, item_id)


@router.post("/feed/interventions", response_model=schemas.Intervention, status_code=status.HTTP_201_CREATED,
             summary="Pin, boost or suppress an item on a surface, with a reason and an expiry (R12.2)")
def intervene(body: schemas.InterventionCreate, staff: Staff, session: DbSession) -> schemas.Intervention:
    return schemas.Intervention.model_validate(feed_service.intervene(
        session, content_id=body.content_id, surface=body.surface, action=body.action, reason=body.reason,
        expires_at=body.expires_at, actor_id=staff.id, weight=body.weight))


@router.get("/feed/interventions", response_model=schemas.InterventionList, summary="Interventions")
def list_interventions(_: Staff, session: DbSession, active: bool = True) -> schemas.InterventionList:
    return schemas.InterventionList(items=[schemas.Intervention.model_validate(i)
                                           for i in feed_service.interventions(session, active_only=active)])


@router.post("/feed/interventions/{intervention_id}/revoke", response_model=schemas.Intervention)
def revoke_intervention(intervention_id: int, body: schemas.InterventionRevoke, staff: Staff,
                        session: DbSession) -> schemas.Intervention:
    return schemas.Intervention.model_validate(
        feed_service.revoke(session, intervention_id, actor_id=staff.id, reason=body.reason))


@router.post("/content/{item_id}/recommendation", response_model=ContentView,
             summary="Mark an item as encouraged (positive energy, R6.1) or back to neutral")
def set_recommendation(item_id: int, body: schemas.RecommendationChange, staff: Staff, session: DbSession,
                       runtime: RuntimeDep) -> ContentView:
    item = pipeline.set_recommendation(session, runtime.settings, item_id, staff, mode=body.mode,
                                       rule_id=body.rule_id, note=body.note)
    return ContentView.model_validate(item)


routers = (router, public)
