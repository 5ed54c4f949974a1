from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qinglang.deps import CurrentAccount, DbSession
from qinglang.notices import schemas
from qinglang.notices import service as notices_service
from qinglang.schemas import RequestModel

router = APIRouter(prefix="/v1/me/notices", tags=["notices"])


class MarkRead(RequestModel):
    up_to_id: int


@router.get(
    "", response_model=schemas.NoticeList, summary="My notices: actions on my content, report results, corrections"
)
def my_notices(
    account: CurrentAccount,
    session: DbSession,
    kind: str | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> schemas.NoticeList:
    items, unread = notices_service.inbox(session, account.id, kind=kind, before=before, limit=limit)
    return schemas.NoticeList(items=[schemas.Notice.model_validate(n) for n in items], unread=unread)


@router.post("/read", summary="Mark notices up to an ID as read")
def mark_read(body: MarkRead, account: CurrentAccount, session: DbSession) -> dict[str, int]:
    return {"marked": notices_service.mark_read(session, account.id, body.up_to_id)}


routers = (router,)
