from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.rules.models import DocumentSlug
from qinglang.schemas import RequestModel, ResponseModel, Text


class RuleDocumentCreate(RequestModel):
    body_md: Text = Field(
        max_length=200_000, description="Markdown; rules are headings like '### [FI-1] Title (R7.2)'."
    )
    summary: str | None = Field(None, max_length=2000, description="What changed in this version.")


class Rule(ResponseModel):
    rule_id: str
    title: str
    text: str
    requirements: list[str]
    categories: list[str]


class RuleDocumentSummary(ResponseModel):
    slug: DocumentSlug
    version: int
    title: str
    summary: str | None
    published_at: dt.datetime


class RuleDocument(RuleDocumentSummary):
    body_md: str
    rules: list[Rule]


class RuleDocumentList(ResponseModel):
    items: list[RuleDocumentSummary]


class CitedRule(ResponseModel):
    rule_id: str
    version: int
    document: DocumentSlug
    title: str
    requirements: list[str]
