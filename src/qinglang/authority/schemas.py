from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.authority.models import DeliveryState, ReportStatus
from qinglang.schemas import RequestModel, ResponseModel, Text


class ReportCreate(RequestModel):
    """A manual report by platform staff (R14.4); the routing picks the departments."""

    content_id: int = Field(ge=1)
    category: str = Field(max_length=40, description="A category ID from TAXONOMY.md.")
    severity: str = Field("normal", description="low, normal, high or severe (severe: disturbs public order).")
    rule_id: str = Field(
        max_length=40,
        description="The published rule the item breaks (R3.1); its current version is cited.",
    )
    summary: Text = Field(max_length=4000)
    evidence_ref: str | None = Field(None, max_length=200, description="The evidence record kept under R14.3.")


class StatusUpdate(RequestModel):
    status: ReportStatus
    note: Text | None = Field(None, max_length=4000, description="Required when closing: the outcome.")


class Acknowledge(RequestModel):
    note: Text | None = Field(None, max_length=4000)


class MemberCreate(RequestModel):
    account_id: int = Field(ge=1, description="An account with the authority role.")


class Member(ResponseModel):
    account_id: int
    department_id: str
    added_by: int | None
    added_at: dt.datetime


class Department(ResponseModel):
    id: str
    kind: str
    name: str
    level: str
    district: str | None
    webhook_configured: bool
    member: bool = Field(description="Whether the caller acts for this department.")


class RoutingRule(ResponseModel):
    id: str
    categories: list[str]
    severities: list[str] | None
    requires_phone_number: bool
    departments: list[str]


class DepartmentList(ResponseModel):
    city_code: str
    city_name: str
    departments: list[Department]
    rules: list[RoutingRule]


class Report(ResponseModel):
    id: int
    number: str
    content_id: int
    category: str
    severity: str
    rule_id: str
    rule_version: int
    summary: str
    evidence_ref: str | None
    department_id: str
    department_kind: str
    district: str | None
    status: ReportStatus
    status_changed_at: dt.datetime
    filed_at: dt.datetime
    filed_by: int | None
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    delivery_state: DeliveryState


class ReportList(ResponseModel):
    items: list[Report]
    next_before: int | None = Field(description="Pass as `before` for the next page; null at the end.")


class StatusEvent(ResponseModel):
    from_status: str | None
    to_status: str
    actor_id: int | None
    note: str | None
    at: dt.datetime


class DeliveryAttempt(ResponseModel):
    number: int
    status_code: int | None
    error: str | None
    duration_ms: int
    at: dt.datetime


class Delivery(ResponseModel):
    state: DeliveryState
    attempts: int
    next_attempt_at: dt.datetime
    delivered_at: dt.datetime | None
    log: list[DeliveryAttempt]


class ReportDetail(Report):
    content_snapshot: dict
    routing: dict
    history: list[StatusEvent]
    deliveries: list[Delivery]


class Percentiles(ResponseModel):
    count: int
    p50_seconds: float | None
    p90_seconds: float | None


class Day(ResponseModel):
    day: dt.date
    total: int
    by_category: dict[str, int]
    by_department: dict[str, int]


class Supervision(ResponseModel):
    """R4.2 figures for reports filed in the period (local days, both ends included)."""

    period_from: dt.date
    period_to: dt.date
    time_zone: str
    total: int
    by_category: dict[str, int]
    by_department: dict[str, int]
    by_status: dict[str, int]
    by_day: list[Day]
    creation_to_filing: Percentiles
    creation_to_acknowledgement: Percentiles
    filing_to_acknowledgement: Percentiles
