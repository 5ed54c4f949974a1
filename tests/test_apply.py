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


def test_a_batch_publishes_queued_posts_with_their_cases_and_plain_ones_without(client, db, runtime) -> None:
    policy_service.publish(db, QUEUE_POSTS, summary="every post gets a look")
    runtime.policies.invalidate()
    author = identity_service.get(db, publisher(client).id)
    parent = pipeline.submit(db, runtime.settings, runtime.gate, author,
                             pipeline.Draft(kind=ContentKind.POST, body="今天天气很好，去公园走走。"))
    drafts = [pipeline.Draft(kind=ContentKind.POST, body="周末的菜市场很热闹。"),
              pipeline.Draft(kind=ContentKind.REPLY, body="同意，天气真好。", parent_id=parent.id),
              pipeline.Draft(kind=ContentKind.POST, body="图书馆周末有讲座。")]
    items = pipeline.submit_many(db, runtime.settings, runtime.gate,
                                 [pipeline.Submission(author, draft) for draft in drafts])

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
