"""The author is told when their content is actioned, and why (R3.1; R13.5 for outcomes)."""

from qinglang.review.models import ReviewCase
from tests.identity.builders import publisher, staff
from tests.review.builders import DOXXING, DOXXING_CATEGORIES, TERROR, post, reviewer


def test_authors_learn_of_blocks_holds_and_removals_with_the_rule(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    ana = reviewer(client, db, runtime, admin, *DOXXING_CATEGORIES)
    author = publisher(client)
    post(client, author, "周末去郊外爬山，山顶的风景很美。")
    blocked = post(client, author, TERROR)
    held = post(client, author, DOXXING)

    inbox = client.get("/v1/me/notices", headers=author.headers).json()
    assert inbox["unread"] == 2  # nothing for the ordinary post
    by_item = {n["data"]["content_id"]: n for n in inbox["items"]}
    assert by_item[blocked["id"]]["data"]["rule_id"] == "MR-7.2"
    assert "MR-7.2（第1版）" in by_item[blocked["id"]]["body"] and "申诉" in by_item[blocked["id"]]["body"]
    assert by_item[held["id"]]["title"] == "你的帖子待人工审核"

    case = db.query(ReviewCase).filter_by(content_id=held["id"]).one()
    client.post(f"/v1/review/cases/{case.id}/claim", headers=ana.headers)
    client.post(
        f"/v1/review/cases/{case.id}/decision", headers=ana.headers, json={"decision": "remove", "rule_id": "MR-7.8"}
    )
    latest = client.get("/v1/me/notices", headers=author.headers).json()["items"][0]
    assert (latest["data"]["to"], latest["data"]["rule_id"]) == ("removed", "MR-7.8")

    marked = client.post("/v1/me/notices/read", headers=author.headers, json={"up_to_id": latest["id"]})
    assert marked.json()["marked"] == 3
    assert client.get("/v1/me/notices", headers=author.headers).json()["unread"] == 0


def test_notices_are_private(client) -> None:
    author, other = publisher(client), publisher(client)
    post(client, author, TERROR)
    assert client.get("/v1/me/notices", headers=other.headers).json()["items"] == []
    assert client.get("/v1/me/notices").status_code == 401
