"""R9.6: engagement events feed each item's reach; the request only emits, the reach consumer
counts after commit."""

from __future__ import annotations

import sqlalchemy as sa

from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import Registry
from qinglang.stream.inprocess import InProcessDispatcher
from qinglang.stream.models import OutboxMessage
from qinglang.stream.tasks import count_reach
from tests.identity.builders import publisher, staff


def _reach_dispatcher(joined_sessions) -> InProcessDispatcher:  # noqa: ANN001
    registry = Registry()
    registry.register("reach", ("engagement.>", "content.published"), count_reach)
    return InProcessDispatcher(joined_sessions, registry, StreamSettings())


def _post(client, user) -> int:  # noqa: ANN001
    response = client.post("/v1/posts", headers=user.headers, json={"body": "社区图书馆周六有讲座。"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_views_and_reposts_reach_the_counters_after_commit(client, db, runtime, joined_sessions) -> None:
    author, reader = publisher(client), publisher(client)
    reviewer = staff(client, db, runtime, "reviewer")
    item = _post(client, author)

    for kind, surface in (("view", "feed"), ("view", "hot"), ("repost", "feed"), ("share", "direct")):
        response = client.post(f"/v1/content/{item}/events", headers=reader.headers,
                               json={"type": kind, "surface": surface})
        assert response.status_code == 202, response.text
        assert response.json()["key"].startswith(f"engagement.{kind}:{item}:")

    before = client.get(f"/v1/content/{item}/reach", headers=reviewer.headers).json()
    assert before["views"] == 0  # the request emitted; nothing was counted inside it
    subjects = db.scalars(sa.select(OutboxMessage.subject).where(OutboxMessage.sent_at.is_(None))
                          .order_by(OutboxMessage.id)).all()
    assert subjects[-4:] == ["engagement.view", "engagement.view", "engagement.repost",
                             "engagement.share"]
    last = db.scalar(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    assert last.payload["surface"] == "direct" and last.payload["account_id"] == reader.id

    _reach_dispatcher(joined_sessions).drain()
    after = client.get(f"/v1/content/{item}/reach", headers=reviewer.headers).json()
    assert (after["views"], after["reposts"], after["shares"], after["replies"]) == (2, 1, 1, 0)


def test_a_published_reply_counts_for_its_parent_and_thread(db, client, joined_sessions) -> None:
    author = publisher(client)
    post = _post(client, author)
    reply = client.post(f"/v1/content/{post}/replies", headers=author.headers, json={"body": "几点开始？"})
    reply_id = reply.json()["id"]
    client.post(f"/v1/content/{reply_id}/replies", headers=author.headers, json={"body": "十点"})
    # Publishing emitted content.published for each reply (qinglang.apply), after commit.
    _reach_dispatcher(joined_sessions).drain()

    from qinglang.stream import service

    assert service.reach(db, post).replies == 2
    assert service.reach(db, reply_id).replies == 1


def test_an_item_the_caller_cannot_see_takes_no_events(client) -> None:
    sender, recipient, stranger = publisher(client), publisher(client), publisher(client)
    message = client.post("/v1/messages", headers=sender.headers,
                          json={"recipient": recipient.handle, "body": "私信"}).json()["id"]
    refused = client.post(f"/v1/content/{message}/events", headers=stranger.headers,
                          json={"type": "view", "surface": "direct"})
    assert refused.status_code == 404 and refused.json()["code"] == "content_not_found"
    allowed = client.post(f"/v1/content/{message}/events", headers=recipient.headers,
                          json={"type": "view", "surface": "direct"})
    assert allowed.status_code == 202


def test_unknown_event_types_and_fields_are_refused(client) -> None:
    user = publisher(client)
    item = _post(client, user)
    bad_type = client.post(f"/v1/content/{item}/events", headers=user.headers,
                           json={"type": "like", "surface": "feed"})
    assert bad_type.status_code == 422
    extra = client.post(f"/v1/content/{item}/events", headers=user.headers,
                        json={"type": "view", "surface": "feed", "count": 1000})
    assert extra.status_code == 422 and extra.json()["code"] == "unknown_field"


def test_reach_is_for_staff_only(client) -> None:
    user = publisher(client)
    item = _post(client, user)
    response = client.get(f"/v1/content/{item}/reach", headers=user.headers)
    assert response.status_code == 403 and response.json()["code"] == "role_required"
