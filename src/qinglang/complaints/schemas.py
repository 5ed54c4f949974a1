from __future__ import annotations

import datetime as dt

from pydantic import Field, HttpUrl

from qinglang.schemas import RequestModel, ResponseModel, Text


class ReportCreate(RequestModel):
    """Report an item (``content_id``) or an account (``account_id``), choosing a category from
    the published taxonomy (R13.1)."""

    content_id: int | None = Field(None, ge=1)
    account_id: int | None = Field(None, ge=1)
    category: str = Field(max_length=64, description="A category ID, e.g. illegal.false_information.")
    note: Text | None = Field(None, max_length=2000)
    evidence_links: list[HttpUrl] = Field(default_factory=list, max_length=10)


class Ticket(ResponseModel):
    id: int
    ticket_number: str = ""
    target_key: str
    content_id: int | None
    account_id: int | None
    category: str
    note: str | None
    evidence_links: list[str]
    status: str
    outcome: str | None
    outcome_action: str | None
    severe: bool
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    under_review_at: dt.datetime | None
    disposed_at: dt.datetime | None
    result_sent_at: dt.datetime | None
    accept_due_at: dt.datetime
    dispose_due_at: dt.datetime
    escalated_at: dt.datetime | None
    case_id: int | None


class StaffTicket(Ticket):
    reporter_id: int
    weight: float


class TicketList(ResponseModel):
    items: list[Ticket]
    next_before: int | None = None


class QueueEntry(ResponseModel):
    case_id: int
    content_id: int | None
    reporters: int
    weight: float
    priority: bool
    overdue: bool
    due_at: dt.datetime
    categories: list[str]
    reach: int


class Queue(ResponseModel):
    items: list[QueueEntry]


class CaseReports(ResponseModel):
    case_id: int
    reporters: int
    weight: float
    tickets: list[StaffTicket]


class TicketOutcome(RequestModel):
    """A staff decision on a report about an account (reports on items are decided through
    their review case). Sanctions themselves go through the account endpoints."""

    decision: str = Field(pattern="^(uphold|reject)$")
    rule_id: str = Field(max_length=40)
    note: Text | None = Field(None, max_length=2000)


class AppealCreate(RequestModel):
    """Appeal one decision: a content decision (``decision_id``, from the notice) or an account
    decision (``account_event_id``)."""

    decision_id: int | None = Field(None, ge=1)
    account_event_id: int | None = Field(None, ge=1)
    reason: Text = Field(max_length=2000)


class AppealView(ResponseModel):
    id: int
    subject_key: str
    decision_id: int | None
    account_event_id: int | None
    content_id: int | None
    case_id: int | None
    reason: str
    status: str
    outcome_note: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


class AppealList(ResponseModel):
    items: list[AppealView]


class AppealDecision(RequestModel):
    decision: str = Field(pattern="^(overturn|uphold)$")
    rule_id: str = Field(max_length=40)
    note: Text = Field(max_length=2000)
