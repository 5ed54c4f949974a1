from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from qinglang.schemas import RequestModel, ResponseModel


class TermCreate(RequestModel):
    term: str = Field(min_length=1, max_length=100)
    category: str = Field(max_length=64, description="A TAXONOMY.md category, or '*' for the allow tier.")
    tier: Literal["block", "weak", "allow"] = "weak"
    variants: list[Literal["pinyin", "initials", "homophone"]] = Field(default_factory=list)


class LexiconImport(RequestModel):
    format: Literal["txt", "csv"]
    content: str = Field(min_length=1, max_length=5_000_000)
    category: str | None = Field(None, max_length=64, description="For TXT: the category of every term.")
    tier: Literal["block", "weak", "allow"] = "weak"
    source: str = Field("import", max_length=200)


class Term(ResponseModel):
    id: int
    term: str
    category: str
    tier: str
    variants: str
    source: str
    added_in: int
    removed_in: int | None


class TermList(ResponseModel):
    items: list[Term]
    version: int


class LexiconVersion(ResponseModel):
    id: int
    summary: str
    added: int
    removed: int
    created_by: int | None
    created_at: dt.datetime


class DetectRequest(RequestModel):
    text: str = Field(max_length=100_000)
    title: str | None = Field(None, max_length=1000)
    lang: str | None = Field(None, max_length=8)
    kind: Literal["post", "reply", "message", "danmaku"] = "post"
