"""R9.5 post review: when the lexicon or policy changes, published content is judged again in a
resumable job; machines only tighten, and reviewers' decisions stand."""

from sqlalchemy import select

from qinglang.content.models import ContentItem
from qinglang.db import make_sessionmaker
from qinglang.review import tasks
from qinglang.review.models import RereviewJob
from tests.identity.builders import publisher, staff
from tests.review.builders import post

TERM = "蓝鲸打卡群"


def test_a_lexicon_change_starts_a_job_that_removes_what_now_matches(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    author = publisher(client)
    bad = post(client, author, f"欢迎进{TERM}，每天打卡完成任务")
    good = post(client, author, "社区图书馆周六上午有亲子阅读活动，欢迎参加。")
    assert bad["state"] == "published"

    client.post("/v1/lexicon/terms", headers=admin.headers,
                json={"term": TERM, "category": "illegal.violence", "tier": "block"})
    job = db.scalars(select(RereviewJob).order_by(RereviewJob.id.desc())).first()
    assert (job.reason, job.status) == ("lexicon", "pending") and job.total >= 2

    factory = make_sessionmaker(db.bind)
    seen: list[int] = []
    first = tasks.run_job(factory, runtime.settings, runtime.gate, job.id, batch=1, max_batches=1,
                          progress=seen.append)
    assert (first.status, first.processed) == ("running", 1)  # resumable: stopped after one batch
    final = tasks.run_job(factory, runtime.settings, runtime.gate, job.id, batch=1)
    assert final.status == "done" and final.processed == job.total and final.changed >= 1

    # The job's sessions share the test's connection: make their work durable within the test
    # before a refused request rolls back to the last savepoint.
    db.commit()
    db.expire_all()
    assert db.get(ContentItem, bad["id"]).state == "removed"
    assert db.get(ContentItem, good["id"]).state == "published"
    assert client.get(f"/v1/content/{bad['id']}").status_code == 404
    progress = client.get(f"/v1/review/rereviews/{job.id}", headers=admin.headers).json()
    assert progress["status"] == "done" and progress["changed"] == final.changed

    again = tasks.create_job(db, "manual")
    db.commit()
    assert tasks.run_job(factory, runtime.settings, runtime.gate, again.id).changed == 0


def test_publishing_a_policy_schedules_a_rereview(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    text = client.get("/v1/policy", headers=admin.headers).json()["text"]
    published = client.post("/v1/policy/versions", headers=admin.headers, json={"text": text, "summary": "same"})
    assert published.status_code == 201 and published.json()["version"] == 2
    job = db.scalars(select(RereviewJob).order_by(RereviewJob.id.desc())).first()
    assert (job.reason, job.trigger) == ("policy", "default@2")
