from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.schemas import RequestModel, ResponseModel
from qinglang.stream.models import EngagementType, Surface


class EngagementCreate(RequestModel):
    type: EngagementType = Field(description="What the user did with the item.")
    surface: Surface = Field(description="Where the user met the item.")


class EngagementAccepted(ResponseModel):
    key: str = Field(description="The event's idempotency key on the stream.")
    status: str = "accepted"


class Reach(ResponseModel):
    content_id: int
    views: int = 0
    reposts: int = 0
    shares: int = 0
    replies: int = 0
    updated_at: dt.datetime | None = None
