from __future__ import annotations

import datetime as dt

from qinglang.schemas import ResponseModel


class Notice(ResponseModel):
    id: int
    kind: str
    title: str
    body: str
    data: dict
    created_at: dt.datetime
    read_at: dt.datetime | None


class NoticeList(ResponseModel):
    items: list[Notice]
    unread: int
