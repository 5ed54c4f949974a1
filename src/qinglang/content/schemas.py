from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.content.models import ContentKind, ContentState
from qinglang.schemas import RequestModel, ResponseModel, Text

VIDEO_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
DAY_MS = 24 * 3600 * 1000


class PostCreate(RequestModel):
    title: Text | None = Field(None, max_length=400)
    body: Text = Field(max_length=100_000)


class ReplyCreate(RequestModel):
    body: Text = Field(max_length=100_000)


class MessageCreate(RequestModel):
    recipient: str = Field(max_length=64, description="The recipient's handle.")
    body: Text = Field(max_length=100_000)


class DanmakuCreate(RequestModel):
    offset_ms: int = Field(ge=0, le=DAY_MS, description="Position in the video, in milliseconds.")
    body: Text = Field(max_length=1000)


class ContentItem(ResponseModel):
    id: int
    kind: ContentKind
    author_id: int
    title: str | None
    body: str
    parent_id: int | None
    root_id: int | None
    recipient_id: int | None
    video_id: str | None
    offset_ms: int | None
    state: ContentState
    labels: list[str]
    created_at: dt.datetime
    published_at: dt.datetime | None


class ContentList(ResponseModel):
    items: list[ContentItem]
    next_before: int | None = Field(None, description="Pass as ?before= for the next page.")


class StateChange(ResponseModel):
    from_state: str | None
    to_state: str
    source: str
    actor_id: int | None
    reason: str | None
    rule_id: str | None
    rule_version: int | None
    details: dict
    at: dt.datetime


class ContentHistory(ResponseModel):
    item: ContentItem
    changes: list[StateChange]
