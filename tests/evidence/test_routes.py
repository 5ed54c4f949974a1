"""R14.3 through the API: staff and the authorities check the chain and read case files that a
third party can recheck; ordinary users see none of it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from qinglang.evidence import chain
from tests.evidence.builders import content_life
from tests.evidence.conftest import disable_guards
from tests.identity.builders import publisher, staff


def test_staff_and_authorities_verify_the_chain_users_cannot(client, db, runtime) -> None:
    records = content_life(db, 9001)
    db.commit()
    for role in ("reviewer", "admin", "authority"):
        caller = staff(client, db, runtime, role)
        report = client.get("/v1/evidence/verify", headers=caller.headers)
        assert report.status_code == 200, report.text
        body = report.json()
        assert body["ok"] is True and body["problem"] is None
        assert body["last_seq"] >= records[-1].seq and body["count"] >= 4
        assert body["oldest_age_days"] >= 0
    user = publisher(client)
    refused = client.get("/v1/evidence/verify", headers=user.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"


def test_verify_names_the_first_tampered_record(client, db, runtime) -> None:
    records = content_life(db, 9002)
    disable_guards(db)
    db.execute(sa.text("UPDATE evidence_records SET actor_id = 1 WHERE seq = :s"), {"s": records[2].seq})
    admin = staff(client, db, runtime, "admin")
    body = client.get("/v1/evidence/verify", headers=admin.headers).json()
    assert body["ok"] is False
    assert body["problem"]["seq"] == records[2].seq and body["problem"]["kind"] == "modified"


def test_a_case_file_holds_a_subjects_whole_life_and_each_hash_rechecks(client, db, runtime) -> None:
    """The decision record: submitted, verdict, review, removal, in chain order, with proofs."""
    content_life(db, 9003)
    content_life(db, 9004)
    official = staff(client, db, runtime, "authority")
    response = client.get("/v1/evidence/subjects/content/9003", headers=official.headers)
    assert response.status_code == 200, response.text
    case = response.json()
    tags = [r["tag"] for r in case["records"]]
    assert tags == ["content:post:submitted", "verdict:applied", "review:decided", "content:post:removed"]
    assert case["chain_head"]["seq"] >= case["records"][-1]["seq"]
    for record in case["records"]:
        created = dt.datetime.strptime(record["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
        assert chain.record_hash(
            seq=record["seq"], tag=record["tag"], subject_type=record["subject_type"],
            subject_id=record["subject_id"], actor_id=record["actor_id"], payload=record["payload"],
            created_at=created, prev_hash=record["prev_hash"],
        ) == record["hash"]

    empty = client.get("/v1/evidence/subjects/content/404404", headers=official.headers).json()
    assert empty["records"] == []
    user = publisher(client)
    assert client.get("/v1/evidence/subjects/content/9003", headers=user.headers).status_code == 403


def test_records_are_listed_by_tag_in_pages_for_staff(client, db, runtime) -> None:
    first = content_life(db, 9005)
    content_life(db, 9006)
    reviewer = staff(client, db, runtime, "reviewer")
    url = "/v1/evidence/records"
    page = client.get(url, headers=reviewer.headers,
                      params={"tag": "review:decided", "after": first[0].seq - 1, "limit": 1}).json()
    assert [r["subject_id"] for r in page["items"]] == ["9005"]
    following = client.get(url, headers=reviewer.headers,
                           params={"tag": "review:decided", "after": page["next_after"]}).json()
    assert [r["subject_id"] for r in following["items"]] == ["9006"]
    assert following["next_after"] is None
    by_prefix = client.get(url, headers=reviewer.headers,
                           params={"tag_prefix": "content:post:", "after": first[0].seq - 1}).json()
    assert {r["tag"] for r in by_prefix["items"]} == {"content:post:submitted", "content:post:removed"}

    official = staff(client, db, runtime, "authority")
    assert client.get(url, headers=official.headers).status_code == 403
