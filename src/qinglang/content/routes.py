"""Read and write paths for the four kinds of content (R15.1). Writes go through the pipeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from qinglang import pipeline
from qinglang.content import schemas
from qinglang.content import service as content_service
from qinglang.content.models import ContentItem, ContentKind
from qinglang.content.schemas import DAY_MS, VIDEO_ID_PATTERN
from qinglang.deps import BearerToken, CurrentAccount, DbSession
from qinglang.errors import NotFound
from qinglang.identity.models import Role

router = APIRouter(prefix="/v1", tags=["content"])
VideoId = Annotated[str, Path(pattern=VIDEO_ID_PATTERN)]
Before = Annotated[int | None, Query(ge=1, description="Page: items with smaller IDs.")]
Limit = Annotated[int, Query(ge=1, le=content_service.MAX_PAGE)]


async def _submit(request: Request, token: str, draft: pipeline.Draft) -> Response:
    # The process's intake (``qinglang.intake``) authenticates, judges and commits submissions in
    # batches: one query for all of a batch's tokens. It is read off the app rather than injected,
    # since every dependency costs FastAPI a tenth of its time per request.
    item = await request.app.state.intake.submit_async(token, draft)
    # Serialised here once; returning the model would have FastAPI validate it a second time.
    body = schemas.ContentItem.model_validate(item).model_dump_json()
    return Response(body, status_code=status.HTTP_201_CREATED, media_type="application/json")


def _page(items: list[ContentItem], limit: int) -> schemas.ContentList:
    return schemas.ContentList(
        items=[schemas.ContentItem.model_validate(i) for i in items],
        next_before=items[-1].id if len(items) == limit else None,
    )


@router.post("/posts", response_model=schemas.ContentItem, status_code=status.HTTP_201_CREATED,
             summary="Publish a post (reviewed before publication, R9.4)")
async def create_post(body: schemas.PostCreate, token: BearerToken, request: Request) -> Response:
    return await _submit(request, token, pipeline.Draft(kind=ContentKind.POST, body=body.body, title=body.title))


@router.post("/content/{item_id}/replies", response_model=schemas.ContentItem,
             status_code=status.HTTP_201_CREATED, summary="Reply to a post or a reply")
async def create_reply(item_id: int, body: schemas.ReplyCreate, token: BearerToken,
                       request: Request) -> Response:
    return await _submit(request, token, pipeline.Draft(kind=ContentKind.REPLY, body=body.body, parent_id=item_id))


@router.post("/messages", response_model=schemas.ContentItem, status_code=status.HTTP_201_CREATED,
             summary="Send a private message (both parties need verified identity, R10.2)")
async def send_message(body: schemas.MessageCreate, token: BearerToken, request: Request) -> Response:
    return await _submit(request, token, pipeline.Draft(kind=ContentKind.MESSAGE, body=body.body,
                                                       recipient_handle=body.recipient))


@router.post("/videos/{video_id}/danmaku", response_model=schemas.ContentItem,
             status_code=status.HTTP_201_CREATED, summary="Send a danmaku (barrage comment)")
async def send_danmaku(video_id: VideoId, body: schemas.DanmakuCreate, token: BearerToken,
                       request: Request) -> Response:
    return await _submit(request, token, pipeline.Draft(kind=ContentKind.DANMAKU, body=body.body, video_id=video_id,
                                                       offset_ms=body.offset_ms))


@router.get("/posts", response_model=schemas.ContentList, tags=["public"], summary="Newest posts")
def list_posts(session: DbSession, before: Before = None, limit: Limit = 20,
               author_id: int | None = None) -> schemas.ContentList:
    return _page(content_service.posts(session, None, before=before, limit=limit, author_id=author_id), limit)


@router.get("/content/{item_id}", response_model=schemas.ContentItem, tags=["public"])
def get_public_item(item_id: int, session: DbSession) -> schemas.ContentItem:
    return schemas.ContentItem.model_validate(content_service.get_visible(session, item_id, None))


@router.get("/content/{item_id}/replies", response_model=schemas.ContentList, tags=["public"])
def list_replies(item_id: int, session: DbSession) -> schemas.ContentList:
    return _page(content_service.replies(session, item_id, None), limit=1000)


@router.get("/videos/{video_id}/danmaku", response_model=schemas.ContentList, tags=["public"])
def list_danmaku(video_id: VideoId, session: DbSession,
                 from_ms: Annotated[int, Query(ge=0)] = 0,
                 to_ms: Annotated[int, Query(ge=0, le=DAY_MS)] = DAY_MS) -> schemas.ContentList:
    return _page(content_service.danmaku(session, video_id, None, from_ms=from_ms, to_ms=to_ms), limit=2000)


@router.get("/me/content/{item_id}", response_model=schemas.ContentItem,
            summary="An item as its author or a message party sees it (including held items)")
def get_own_item(item_id: int, account: CurrentAccount, session: DbSession) -> schemas.ContentItem:
    return schemas.ContentItem.model_validate(content_service.get_visible(session, item_id, account.id))


@router.get("/messages", response_model=schemas.ContentList, summary="My private messages")
def list_messages(account: CurrentAccount, session: DbSession, with_account: int | None = None,
                  before: Before = None, limit: Limit = 50) -> schemas.ContentList:
    return _page(content_service.messages(session, account.id, with_account=with_account,
                                          before=before, limit=limit), limit)


@router.get("/content/{item_id}/history", response_model=schemas.ContentHistory,
            summary="Every state of an item, who moved it and on which rule (author or staff)")
def item_history(item_id: int, account: CurrentAccount, session: DbSession) -> schemas.ContentHistory:
    item = content_service.get(session, item_id)
    if account.role not in (Role.ADMIN, Role.REVIEWER) and item.author_id != account.id:
        raise NotFound(f"item {item_id} does not exist or is not visible", code="content_not_found")
    return schemas.ContentHistory(
        item=schemas.ContentItem.model_validate(item),
        changes=[schemas.StateChange.model_validate(c) for c in content_service.history(session, item_id)],
    )


routers = (router,)
