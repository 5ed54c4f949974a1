"""The ``feed-signals`` consumer: engagement teaches interests and views count as exposures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from qinglang.content.models import ContentItem
from qinglang.feed import service as feed_service
from qinglang.feed.pool import tags_of
from qinglang.stream.consumers import StreamMessage, consumer


@consumer("feed-signals", subjects=("engagement.>",))
def learn_from_engagement(session: Session, message: StreamMessage) -> None:
    payload = message.payload
    signal = str(payload.get("type", ""))
    if signal not in feed_service.SIGNAL_WEIGHTS or payload.get("account_id") is None:
        return
    item = session.get(ContentItem, int(payload["content_id"]))
    if item is None:
        return
    account_id = int(payload["account_id"])
    if account_id != item.author_id:
        feed_service.learn(session, account_id, tags_of(item.title, item.body, item.author_id), signal)
    if signal == "view":
        at = dt.datetime.fromisoformat(payload["at"]) if payload.get("at") else message.emitted_at
        feed_service.record_view(session, account_id, item.id, str(payload.get("surface", "direct")), at)
