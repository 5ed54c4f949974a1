"""The decision record (DESIGN.md, R14.3, R3.1): one item, one timeline of evidence records,
each naming the rule, the actor and the versions, in a chain that verifies."""

from qinglang.review.models import ReviewCase
from tests.identity.builders import publisher, staff
from tests.review.builders import DOXXING, DOXXING_CATEGORIES, post, reviewer


def test_an_items_whole_life_is_in_the_evidence_chain(client, db, runtime) -> None:
    """held → reviewed → removed → appealed → restored, every step a verifiable record."""
    admin = staff(client, db, runtime, "admin")
    ana = reviewer(client, db, runtime, admin, *DOXXING_CATEGORIES)
    ben = reviewer(client, db, runtime, admin, *DOXXING_CATEGORIES)
    author = publisher(client)
    item = post(client, author, DOXXING)
    assert item["state"] == "held"
    case = db.query(ReviewCase).filter_by(content_id=item["id"]).one()
    client.post(f"/v1/review/cases/{case.id}/claim", headers=ana.headers)
    client.post(f"/v1/review/cases/{case.id}/decision", headers=ana.headers,
                json={"decision": "remove", "rule_id": "MR-7.8", "note": "doxxing"})
    # The author appeals the removal, citing the decision from their notice; a different
    # reviewer takes the appeal and restores the post.
    removal = client.get("/v1/me/notices", headers=author.headers).json()["items"][0]["data"]["decision_id"]
    appeal = client.post("/v1/appeals", headers=author.headers,
                         json={"decision_id": removal, "reason": "这是我本人同意公开的信息"})
    assert appeal.status_code == 201, appeal.text
    second = db.query(ReviewCase).filter_by(content_id=item["id"], stage="appeal").one()
    refused = client.post(f"/v1/review/cases/{second.id}/claim", headers=ana.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "different_reviewer_required"
    client.post(f"/v1/review/cases/{second.id}/claim", headers=ben.headers)
    restored = client.post(f"/v1/review/cases/{second.id}/decision", headers=ben.headers,
                           json={"decision": "allow", "rule_id": "MR-7.8", "note": "consent shown"})
    assert restored.json()["content_state"] == "published"

    records = client.get(f"/v1/evidence/subjects/content/{item['id']}", headers=admin.headers).json()["records"]
    timeline = [(r["tag"], r["actor_id"]) for r in records]
    assert timeline == [
        ("content:post:held", None),
        ("review:decided", ana.id),
        ("content:post:removed", ana.id),
        ("appeal:filed", author.id),
        ("review:decided", ben.id),
        ("content:post:published", ben.id),
        ("appeal:overturned", ben.id),
    ]
    held = records[0]["payload"]
    assert held["content"]["body"] == DOXXING
    assert held["verdict"]["policy_version"] == "default@1"
    assert "MR-7.8" in {reason["rule_id"] for reason in held["verdict"]["reasons"]}
    assert "lexicon" in held["model_versions"]
    removal = records[2]["payload"]["verdict"]["reasons"][0]
    assert (removal["rule_id"], removal["rule_version"]) == ("MR-7.8", 1)
    assert all(r["prev_hash"] for r in records[1:])

    verified = client.get("/v1/evidence/verify", headers=admin.headers).json()
    assert verified["ok"] is True
