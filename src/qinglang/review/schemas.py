from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.content.schemas import ContentItem
from qinglang.schemas import RequestModel, ResponseModel


class Case(ResponseModel):
    id: int
    content_id: int
    status: str
    stage: str
    categories: list[str]
    severity: str
    reach: int
    blocking: bool
    required_reviews: int
    suggested_action: str | None
    claimed_by: int | None
    claim_expires_at: dt.datetime | None
    due_at: dt.datetime
    overdue: bool = False
    created_at: dt.datetime
    decided_at: dt.datetime | None
    outcome: str | None


class CaseList(ResponseModel):
    items: list[Case]


class EvidenceSpan(ResponseModel):
    category: str
    start: int
    end: int
    source: str
    detail: str | None = None
    field: str = "text"


class DecisionView(ResponseModel):
    reviewer_id: int
    action: str
    labels: list[str]
    rule_id: str
    rule_version: int
    note: str | None
    at: dt.datetime


class AuthorHistory(ResponseModel):
    account_id: int
    handle: str
    status: str
    items_total: int
    items_removed: int
    account_events: int


class CaseDetail(Case):
    content: ContentItem
    reasons: list[dict]
    evidence: list[EvidenceSpan]
    decisions: list[DecisionView]
    author: AuthorHistory


class DecisionCreate(RequestModel):
    decision: str = Field(pattern="^(allow|label|limit|remove)$",
                          description="allow (publish / restore), label, limit, or remove.")
    rule_id: str = Field(max_length=40, description="The published rule the decision applies (R3.1).")
    labels: list[str] = Field(default_factory=list, max_length=10)
    note: str | None = Field(None, max_length=2000)


class DecisionResult(ResponseModel):
    case: Case
    final: bool
    content_state: str


class QualificationChange(RequestModel):
    categories: list[str] = Field(min_length=1, max_length=20)


class Qualifications(ResponseModel):
    account_id: int
    categories: list[str]


class Staffing(ResponseModel):
    window_days: int
    cases_created: int
    cases_decided: int
    backlog: int
    overdue: int
    decisions_per_reviewer: dict[int, int]
    decisions_per_reviewer_hour: dict[int, float]
    median_minutes_to_decision: float | None
    p90_minutes_to_decision: float | None
    mean_handling_minutes: float | None
    incoming_per_day: float
    reviewers_needed: float
    reviewers_active: int


class RereviewCreate(RequestModel):
    reason: str = Field(pattern="^(policy|model|lexicon|rumour|complaint|manual)$")
    trigger: str | None = Field(None, max_length=200, description="What changed, e.g. 'default@4'.")


class RereviewJob(ResponseModel):
    id: int
    reason: str
    trigger: str | None
    status: str
    cursor: int
    total: int
    processed: int
    changed: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
