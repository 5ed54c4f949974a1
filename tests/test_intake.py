"""Group commit of submissions (qinglang.intake): many requests judged and committed together,
each answered with its own item or its own refusal, none before its commit (R9.4)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.content.models import ContentItem, ContentKind, ContentStateChange
from qinglang.errors import InvalidInput, NotAuthenticated
from qinglang.evidence import service as evidence_service
from qinglang.intake import Intake
from qinglang.pipeline import Draft
from qinglang.policy.models import Decision
from qinglang.stream.models import OutboxMessage
from tests.identity.builders import publisher
from tests.review.builders import DOXXING

CALM = "周末和家人去公园散步，樱花开得正好，孩子们在草地上放风筝。"


@contextmanager
def _unit_of_work(db: Session, *, before_commit: threading.Event | None = None,
                  fail_batches_over: int | None = None, seen: list[int] | None = None) -> Iterator[Session]:
    if before_commit is not None:
        # Hold the first batch open until the test has queued the rest behind it.
        before_commit.wait(10)
    try:
        yield db
        if fail_batches_over is not None and seen is not None and seen[-1] > fail_batches_over:
            raise RuntimeError("the database went away during commit")
        db.commit()
    except BaseException:
        db.rollback()
        # Production opens a fresh session per batch; this shared one must forget the rolled-back
        # batch's items, which it holds as persistent objects.
        db.expunge_all()
        raise


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_waiting_submissions_are_committed_together_and_each_gets_its_own_item(client, db, runtime) -> None:
    authors = [publisher(client) for _ in range(3)]
    released = threading.Event()
    entered = []

    @contextmanager
    def unit_of_work() -> Iterator[Session]:
        first = not entered
        entered.append(1)
        with _unit_of_work(db, before_commit=released if first else None) as session:
            yield session

    intake = Intake(unit_of_work, runtime.settings, runtime.gate)
    before = _count(db, ContentItem)
    try:
        futures = [intake.submit(authors[n % 3].token, Draft(kind=ContentKind.POST, body=f"{CALM}第{n}条"))
                   for n in range(12)]
        released.set()
        items = [future.result(timeout=30) for future in futures]
    finally:
        intake.stop()

    assert [item.body for item in items] == [f"{CALM}第{n}条" for n in range(12)]
    assert [item.author_id for item in items] == [authors[n % 3].id for n in range(12)]
    assert all(item.state == "published" and item.id for item in items)
    assert len({item.id for item in items}) == 12
    # The first batch is held open until all twelve are queued: whatever it did not take went
    # into one more batch, not one transaction per request.
    assert intake.stats.submissions == 12 and intake.stats.batches <= 2 and intake.stats.largest_batch >= 6
    assert _count(db, ContentItem) == before + 12
    for item in items:
        history = db.scalars(select(ContentStateChange.to_state).where(ContentStateChange.content_id == item.id)
                             .order_by(ContentStateChange.id)).all()
        assert history == ["pending", "published"]
        decision = db.scalar(select(Decision).where(Decision.content_id == item.id))
        assert decision is not None and decision.action == "allow" and decision.stage == "pre_publication"
        assert db.scalar(select(OutboxMessage).where(OutboxMessage.key == f"content.published:{item.id}:{decision.id}"))
        records = evidence_service.for_subject(db, "content", str(item.id))
        assert [record.tag for record in records] == ["content:post:published"]
        assert records[0].payload["decision_id"] == decision.id and records[0].payload["content"]["body"] == item.body
    assert evidence_service.verify(db).ok


def test_a_refusal_is_answered_to_its_own_request_only(client, db, runtime) -> None:
    author = publisher(client)
    intake = Intake(lambda: _unit_of_work(db), runtime.settings, runtime.gate, threaded=False)
    # A batch of four as the intake thread would take it: two good, a bad token, a held post.
    from qinglang.intake import _Request

    requests = [
        _Request(author.token, Draft(kind=ContentKind.POST, body=CALM)),
        _Request("ql_not-a-token", Draft(kind=ContentKind.POST, body=CALM)),
        _Request(author.token, Draft(kind=ContentKind.POST, body="很" * (runtime.settings.max_text_chars + 1))),
        _Request(author.token, Draft(kind=ContentKind.POST, body=DOXXING)),
        _Request(author.token, Draft(kind=ContentKind.DANMAKU, body="前排", video_id="BV1intake", offset_ms=5)),
    ]
    intake._process(requests)

    assert requests[0].future.result().state == "published"
    with pytest.raises(NotAuthenticated):
        requests[1].future.result()
    with pytest.raises(InvalidInput) as refused:
        requests[2].future.result()
    assert refused.value.code == "text_too_long"
    held = requests[3].future.result()
    assert held.state == "held"  # not quiet: applied one by one, with its case for a reviewer
    assert requests[4].future.result().video_id == "BV1intake"
    assert intake.stats.batches == 1 and intake.stats.largest_batch == 5


def test_a_batch_whose_commit_fails_is_retried_one_request_at_a_time(client, db, runtime) -> None:
    author = publisher(client)
    sizes: list[int] = []
    from qinglang.intake import _Request

    intake = Intake(lambda: _unit_of_work(db, fail_batches_over=1, seen=sizes), runtime.settings, runtime.gate,
                    threaded=False)
    original = intake._judge

    def judge(session, batch):  # noqa: ANN001, ANN202
        sizes.append(len(batch))
        return original(session, batch)

    intake._judge = judge  # type: ignore[method-assign]
    before = _count(db, ContentItem)
    requests = [_Request(author.token, Draft(kind=ContentKind.POST, body=f"{CALM}{n}")) for n in range(3)]
    intake._process(requests)

    assert sizes == [3, 1, 1, 1]
    assert [request.future.result().body for request in requests] == [f"{CALM}{n}" for n in range(3)]
    assert intake.stats.retried_alone == 3
    # The failed batch left nothing behind: exactly three items, one per request.
    assert _count(db, ContentItem) == before + 3


def test_over_the_http_api_a_bad_token_is_refused_and_nothing_is_stored(client, db) -> None:
    before = _count(db, ContentItem)
    response = client.post("/v1/posts", json={"body": CALM}, headers={"Authorization": "Bearer ql_nope"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"
    assert _count(db, ContentItem) == before
