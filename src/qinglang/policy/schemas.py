from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.schemas import RequestModel, ResponseModel


class PolicyCreate(RequestModel):
    text: str = Field(min_length=1, max_length=500_000, description="The policy YAML.")
    summary: str | None = Field(None, max_length=2000)


class PolicyCheck(RequestModel):
    text: str = Field(min_length=1, max_length=500_000)


class PolicyProblem(ResponseModel):
    path: str
    line: int | None
    column: int | None
    message: str
    hint: str | None


class PolicyCheckResult(ResponseModel):
    valid: bool
    rules: int
    problems: list[PolicyProblem]


class PolicyVersionSummary(ResponseModel):
    name: str
    version: int
    checksum: str
    summary: str | None
    published_by: int | None
    published_at: dt.datetime


class PolicyVersion(PolicyVersionSummary):
    text: str


class BacktestChange(ResponseModel):
    content_id: int
    current: str
    draft: str
    rules: list[str]


class BacktestResult(ResponseModel):
    items: int
    changed: int
    seconds: float
    by_transition: dict[str, int]
    examples: list[BacktestChange]
