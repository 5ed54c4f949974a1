"""R9.6 real-time inspection: as an item spreads, it is judged again with its reach, once per
milestone; spreading items climb the review queue."""

import datetime as dt

from qinglang.content.models import ContentItem
from qinglang.policy.models import Decision
from qinglang.review import inspection
from qinglang.review.models import ReviewCase
from qinglang.stream import service as stream_service
from qinglang.stream.consumers import StreamMessage
from tests.identity.builders import publisher, staff
from tests.review.builders import DOXXING, post

HOT_RULE = """
  - id: hot-and-new
    category: platform.spam
    cites: MR-9.1
    requirement: R9.6
    when:
      all:
        - stage: [inspection]
        - reach_at_least: 100
    action: limit
"""


def _views(db, content_id: int, count: int) -> None:  # noqa: ANN001
    stream_service.add_reach(db, content_id, views=count)


def _event(content_id: int) -> StreamMessage:
    return StreamMessage(subject="engagement.view", key=f"engagement.view:{content_id}:x",
                         payload={"content_id": content_id, "type": "view"}, emitted_at=dt.datetime.now(dt.UTC))


def test_an_item_is_judged_again_when_its_reach_passes_a_milestone(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    policy = client.get("/v1/policy", headers=admin.headers).json()["text"] + HOT_RULE
    assert client.post("/v1/policy/versions", headers=admin.headers, json={"text": policy}).status_code == 201
    inspection.configure(runtime.settings, runtime.gate)
    item = post(client, publisher(client), "今天的晚霞特别漂亮，大家快出门看看天空吧！")

    _views(db, item["id"], 99)
    inspection.inspect(db, _event(item["id"]))
    assert db.get(ContentItem, item["id"]).state == "published"

    _views(db, item["id"], 1)
    inspection.inspect(db, _event(item["id"]))
    db.flush()
    assert db.get(ContentItem, item["id"]).state == "limited"
    decisions = db.query(Decision).filter_by(content_id=item["id"], stage="inspection").all()
    assert len(decisions) == 1 and decisions[0].facts["reach"] == 100
    assert decisions[0].verdict["reasons"][0]["requirement"] == "R9.6"

    # Redelivered or further events below the next milestone judge nothing again.
    assert inspection.inspect_item(db, inspection._current(), item["id"], 150) is False
    assert db.query(Decision).filter_by(content_id=item["id"], stage="inspection").count() == 1


def test_a_spreading_held_item_moves_up_the_queue(client, db, runtime) -> None:
    inspection.configure(runtime.settings, runtime.gate)
    author = publisher(client)
    quiet = post(client, author, DOXXING)
    loud = post(client, author, DOXXING + "，转发扩散")
    db.get(ContentItem, loud["id"]).state = "published"  # e.g. a reviewer let it through earlier
    db.flush()
    _views(db, loud["id"], 1_000)
    inspection.inspect(db, _event(loud["id"]))
    case = db.query(ReviewCase).filter_by(content_id=loud["id"]).one()
    assert case.reach >= 1_000
    quiet_case = db.query(ReviewCase).filter_by(content_id=quiet["id"]).one()
    assert case.reach > quiet_case.reach


def test_deferred_models_judge_right_after_publication(client, db, runtime) -> None:
    """R9.4/R9.6 split: with QINGLANG_DEFER_MODELS the classifiers run after publication."""
    from qinglang import pipeline
    from qinglang.content.models import ContentKind
    from qinglang.identity import service as identity_service

    deferred = runtime.settings.model_copy(update={"defer_models": True})
    author = identity_service.get(db, publisher(client).id)
    text = "震惊！喝醋能治新冠，医生都不敢说的秘密，赶紧转发给家人，不转不是中国人！"
    item = pipeline.submit(db, deferred, runtime.gate, author, pipeline.Draft(kind=ContentKind.POST, body=text))
    first = db.query(Decision).filter_by(content_id=item.id).one()
    assert first.model_versions["classifiers"] == "deferred to post review"
    assert item.state == "published"

    inspection.configure(deferred, runtime.gate)
    message = StreamMessage(subject="content.published", key=f"content.published:{item.id}:1",
                            payload={"content_id": item.id}, emitted_at=dt.datetime.now(dt.UTC))
    inspection.inspect(db, message)
    later = db.query(Decision).filter_by(content_id=item.id, stage="post_review").one()
    assert "classifiers" not in later.model_versions or later.model_versions["classifiers"] != "deferred to post review"
    assert later.facts["signals"]["scores"]["illegal.false_information"] > 0.5
    # Held or left up, the models' finding reaches a reviewer.
    assert db.query(ReviewCase).filter_by(content_id=item.id, status="open").count() == 1
    inspection.configure(runtime.settings, runtime.gate)
