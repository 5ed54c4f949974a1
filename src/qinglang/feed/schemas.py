from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.content.schemas import ContentItem
from qinglang.feed.models import FeedSurface, InterventionAction
from qinglang.schemas import RequestModel, ResponseModel, Text


class Feed(ResponseModel):
    surface: FeedSurface
    personalised: bool
    items: list[ContentItem]


class PreferenceUpdate(RequestModel):
    personalised: bool = Field(description="Off: a feed not based on your interests, from the next request (R12.3).")


class Preference(ResponseModel):
    personalised: bool


class Interest(ResponseModel):
    tag: str
    weight: float
    updated_at: dt.datetime


class InterestList(ResponseModel):
    items: list[Interest]


class InterventionCreate(RequestModel):
    content_id: int
    surface: FeedSurface
    action: InterventionAction
    reason: Text = Field(max_length=2000)
    expires_at: dt.datetime
    weight: float = Field(1.0, ge=0, le=10, description="For boost: score multiplied by 1 + weight.")


class InterventionRevoke(RequestModel):
    reason: Text = Field(max_length=2000)


class Intervention(ResponseModel):
    id: int
    content_id: int
    surface: FeedSurface
    action: InterventionAction
    weight: float
    reason: str
    expires_at: dt.datetime
    created_by: int
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    revoked_by: int | None
    revoke_reason: str | None


class InterventionList(ResponseModel):
    items: list[Intervention]


class RecommendationChange(RequestModel):
    mode: str = Field("encourage", pattern="^(encourage|neutral)$",
                      description="encourage (R6.1, boosted) or neutral (undo).")
    rule_id: str = Field("CONV-3", max_length=40, description="The published rule this cites.")
    note: Text | None = Field(None, max_length=2000)
