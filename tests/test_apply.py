"""Applying verdicts to a batch of new items (apply.apply_to_new): the bulk writes leave the same
record as applying each verdict alone (R9.4, R11.1, R14.3)."""

from __future__ import annotations

from sqlalchemy import select

from qinglang import pipeline
from qinglang.content.models import ContentItem, ContentKind
from qinglang.evidence import service as evidence_service
from qinglang.identity import service as identity_service
from qinglang.policy import service as policy_service
from qinglang.review.models import ReviewCase
from tests.identity.builders import publisher

# Every post stays up and also goes to a reviewer; replies are simply published.
QUEUE_POSTS = """
policy: default
rules:
  - id: look-at-every-post
    category: platform.spam
    cites: MR-7.6
    requirement: R9.5
    when: {kind: [post]}
    action: allow
    queue: true
"""


def _under_policy(client, db, runtime, policy: str):  # noqa: ANN001, ANN202
    """Publish ``policy``; an author and a post of theirs, submitted alone, to reply to."""
    policy_service.publish(db, policy, summary="a test policy")
    runtime.policies.invalidate()
    author = identity_service.get(db, publisher(client).id)
    parent = pipeline.submit(db, runtime.settings, runtime.gate, author,
                             pipeline.Draft(kind=ContentKind.POST, body="今天天气很好，去公园走走。"))
    return author, parent


def _submit_together(db, runtime, author, drafts: list[pipeline.Draft]) -> list:  # noqa: ANN001
    return pipeline.submit_many(db, runtime.settings, runtime.gate,
                                [pipeline.Submission(author, draft) for draft in drafts])


def test_a_batch_publishes_queued_posts_with_their_cases_and_plain_ones_without(client, db, runtime) -> None:
    author, parent = _under_policy(client, db, runtime, QUEUE_POSTS)
    items = _submit_together(db, runtime, author, [
        pipeline.Draft(kind=ContentKind.POST, body="周末的菜市场很热闹。"),
        pipeline.Draft(kind=ContentKind.REPLY, body="同意，天气真好。", parent_id=parent.id),
        pipeline.Draft(kind=ContentKind.POST, body="图书馆周末有讲座。")])

    assert [item.state for item in items] == ["published"] * 3
    cases = {case.content_id: case for case in db.scalars(
        select(ReviewCase).where(ReviewCase.content_id.in_([parent.id, *(item.id for item in items)])))}
    assert set(cases) == {parent.id, items[0].id, items[2].id}, "posts are queued, the reply is not"
    batch_case, single_case = cases[items[0].id], cases[parent.id]
    for case in (batch_case, single_case):
        assert case.status == "open" and not case.blocking and case.suggested_action == "allow"
        assert case.stage == "pre_publication" and case.categories == ["platform.spam"]
        assert [reason["policy_rule"] for reason in case.policy_reasons] == ["look-at-every-post"]
    assert (batch_case.due_at - batch_case.created_at) == (single_case.due_at - single_case.created_at)

    for item in items:
        record, = evidence_service.for_subject(db, "content", str(item.id))
        assert record.tag == f"content:{item.kind}:published"
        assert record.payload["case_id"] == (cases[item.id].id if item.id in cases else None)
    assert db.get(ContentItem, items[1].id).root_id == parent.id
    assert evidence_service.verify(db).ok


# Replies wait for a reviewer and danmaku are shown with less reach, whatever they say.
HOLD_REPLIES_LIMIT_DANMAKU = """
policy: default
rules:
  - id: replies-wait
    category: platform.spam
    cites: MR-7.6
    requirement: R9.4
    when: {kind: [reply]}
    action: hold
  - id: danmaku-limited
    category: platform.spam
    cites: MR-7.6
    requirement: R9.4
    when: {kind: [danmaku]}
    action: limit
"""


def test_held_and_limited_items_in_a_batch_get_their_cases_notices_and_messages(client, db, runtime) -> None:
    from qinglang.content import service as content_service
    from qinglang.notices import service as notices_service
    from qinglang.stream.models import OutboxMessage

    author, parent = _under_policy(client, db, runtime, HOLD_REPLIES_LIMIT_DANMAKU)
    held, limited, plain = _submit_together(db, runtime, author, [
        pipeline.Draft(kind=ContentKind.REPLY, body="同意，天气真好。", parent_id=parent.id),
        pipeline.Draft(kind=ContentKind.DANMAKU, body="好看", video_id="v1", offset_ms=5),
        pipeline.Draft(kind=ContentKind.POST, body="图书馆周末有讲座。")])

    assert (held.state, limited.state, plain.state) == ("held", "limited", "published")
    assert held.published_at is None and limited.published_at is not None
    assert [(c.from_state, c.to_state) for c in content_service.history(db, held.id)] == [
        (None, "pending"), ("pending", "held")]
    case = db.scalar(select(ReviewCase).where(ReviewCase.content_id == held.id))
    assert case.blocking and case.status == "open" and case.suggested_action == "hold"
    assert db.scalar(select(ReviewCase).where(ReviewCase.content_id == limited.id)) is None

    notices, _ = notices_service.inbox(db, author.id)
    titles = {notice.data["content_id"]: notice.title for notice in notices}
    assert titles == {held.id: "你的回复待人工审核", limited.id: "你的弹幕被限制推荐"}, "a plain post brings no notice"

    published = set(db.scalars(select(OutboxMessage.key).where(OutboxMessage.subject == "content.published")))
    assert any(key.startswith(f"content.published:{limited.id}:") for key in published)
    assert not any(key.startswith(f"content.published:{held.id}:") for key in published)
    record, = evidence_service.for_subject(db, "content", str(held.id))
    assert record.tag == "content:reply:held" and record.payload["case_id"] == case.id
    assert evidence_service.verify(db).ok
