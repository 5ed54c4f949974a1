"""Consumers shipped with the stream package."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qinglang.stream import service
from qinglang.stream.consumers import StreamMessage, consumer

_COUNTER_OF_TYPE = {"view": "views", "repost": "reposts", "share": "shares"}


@consumer("reach", subjects=("engagement.>", "content.published"))
def count_reach(session: Session, message: StreamMessage) -> None:
    """Count engagement per item; a published reply also counts for its parent and thread root.

    ``content.published`` payloads carry ``content_id``, ``kind``, ``parent_id`` and ``root_id``.
    """
    payload = message.payload
    if message.subject.startswith("engagement."):
        counter = _COUNTER_OF_TYPE.get(payload.get("type", ""))
        if counter is not None:
            service.add_reach(session, int(payload["content_id"]), **{counter: 1})
        return
    if payload.get("kind") == "reply" and payload.get("parent_id"):
        targets = {int(payload["parent_id"]), int(payload.get("root_id") or payload["parent_id"])}
        for target in sorted(targets):
            service.add_reach(session, target, replies=1)
