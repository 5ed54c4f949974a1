"""Engagement events (feeding reach, R9.6) and the stream's place in the app's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, status

from qinglang.content import service as content_service
from qinglang.deps import CurrentAccount, DbSession, Staff
from qinglang.stream import schemas, service
from qinglang.stream.transport import background_for


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Deliver (embedded) or relay (JetStream) what this process's requests commit."""
    background = background_for(app.state.runtime)
    if background is not None:
        background.start()
    try:
        yield
    finally:
        if background is not None:
            background.stop()


router = APIRouter(prefix="/v1", tags=["engagement"], lifespan=lifespan)


@router.post(
    "/content/{item_id}/events",
    response_model=schemas.EngagementAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Record a view, repost or share of an item (counted into its reach after commit)",
)
def record_event(
    item_id: int, body: schemas.EngagementCreate, account: CurrentAccount, session: DbSession
) -> schemas.EngagementAccepted:
    key = service.record_engagement(session, account, item_id, body.type, body.surface)
    return schemas.EngagementAccepted(key=key)


@router.get(
    "/content/{item_id}/reach",
    response_model=schemas.Reach,
    summary="How far an item has spread so far (staff)",
)
def item_reach(item_id: int, _staff: Staff, session: DbSession) -> schemas.Reach:
    content_service.get(session, item_id)
    counters = service.reach(session, item_id)
    if counters is None:
        return schemas.Reach(content_id=item_id)
    return schemas.Reach.model_validate(counters)


routers = (router,)
