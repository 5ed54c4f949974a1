from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from qinglang.rumors.models import ClaimStatus, ClaimVerdict
from qinglang.schemas import RequestModel, ResponseModel, Text


class ClaimCreate(RequestModel):
    text: Text = Field(max_length=2000, description="The claim as people spread it.")
    verdict: ClaimVerdict
    debunk: Text = Field(max_length=20_000, description="What is true instead, in plain words.")
    sources: list[str] = Field(default_factory=list, max_length=20)
    publisher: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=1000)
    language: str = Field("zh", max_length=8)
    tags: list[str] = Field(default_factory=list, max_length=20)
    claim_date: dt.date | None = None
    review_date: dt.date | None = None
    external_id: str | None = Field(None, max_length=400, description="The source's ID; re-imports update.")


class ClaimImport(RequestModel):
    format: Literal["claimreview", "csv"]
    document: Any = Field(description="ClaimReview JSON-LD (object, list, @graph or DataFeed) or CSV text.")


class ClaimRetire(RequestModel):
    reason: Text = Field(max_length=2000)


class MatchRequest(RequestModel):
    text: Text = Field(max_length=10_000)


class Claim(ResponseModel):
    id: int
    text: str
    verdict: ClaimVerdict
    debunk: str
    sources: list[str]
    publisher: str | None
    url: str | None
    language: str
    tags: list[str]
    claim_date: dt.date | None
    review_date: dt.date | None
    status: ClaimStatus
    external_id: str | None
    created_at: dt.datetime


class Debunk(Claim):
    items_ruled_false: int = 0


class DebunkList(ResponseModel):
    items: list[Debunk]
    next_before: int | None = None


class ImportResult(ResponseModel):
    created: int
    updated: int


class MatchView(ResponseModel):
    claim_id: int
    verdict: str
    similarity: float
    band: str
    text: str


class MatchList(ResponseModel):
    matches: list[MatchView]
    thresholds: dict[str, float]


class SweepSummary(ResponseModel):
    claim_id: int
    candidates: int
    matched: int
    labelled: int
    limited: int
    removed: int
    held: int


class ItemExposure(ResponseModel):
    content_id: int
    state: str
    disposed_at: dt.datetime
    before: int = Field(description="Impressions before the item was ruled false.")
    after: int = Field(description="Impressions after (the item shown labelled, or not at all).")


class ClaimExposure(ResponseModel):
    claim_id: int
    items: list[ItemExposure]
    impressions_before: int
    impressions_after: int
