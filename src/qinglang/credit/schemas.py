from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.schemas import RequestModel, ResponseModel, Text


class RateLimitView(ResponseModel):
    count: int
    minutes: int


class TierView(ResponseModel):
    name: str
    min_score: int
    title: str
    meaning: str
    pre_review: bool
    recommendation: bool
    muted: bool
    rate_limits: dict[str, RateLimitView]


class Tiers(ResponseModel):
    start: int
    max_score: int
    recovery_points_per_week: int
    deductions: dict[str, int]
    severity_factors: dict[str, float]
    tiers: list[TierView]


class CreditEventView(ResponseModel):
    id: int
    kind: str
    points: int
    reason: str
    rule_id: str | None
    rule_version: int | None
    decision_id: int | None
    content_id: int | None
    category: str | None
    reverses_id: int | None
    at: dt.datetime


class Credit(ResponseModel):
    account_id: int
    score: int
    recovered: int = Field(description="Points earned back by weeks of publishing without violation.")
    tier: TierView
    tiers: list[TierView]
    history: list[CreditEventView]
    next_before: int | None = None


class Adjustment(RequestModel):
    points: int = Field(ge=-200, le=200)
    reason: Text = Field(max_length=2000)
