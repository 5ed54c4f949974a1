"""R9.4 pre-publication review, R14.1 immediate disposal, R14.2 copies: every submission gets
its verdict inside the request, before anyone else can see it."""

from qinglang.policy.models import Decision
from qinglang.review.models import ReviewCase
from tests.identity.builders import publisher
from tests.review.builders import DOXXING, TERROR, post


def test_an_ordinary_post_is_published_with_its_decision_recorded(client, db) -> None:
    alice = publisher(client)
    item = post(client, alice, "周末去郊外爬山，山顶的风景很美，推荐大家去。")
    assert item["state"] == "published"
    decision = db.query(Decision).filter_by(content_id=item["id"]).one()
    assert decision.action == "allow" and decision.policy_version == "default@1"
    assert "lexicon" in decision.model_versions


def test_terrorist_propaganda_is_blocked_before_anyone_sees_it(client, db) -> None:
    alice = publisher(client)
    item = post(client, alice, TERROR)
    assert item["state"] == "blocked"
    assert client.get(f"/v1/content/{item['id']}").status_code == 404
    assert item["id"] not in [p["id"] for p in client.get("/v1/posts").json()["items"]]
    history = client.get(f"/v1/content/{item['id']}/history", headers=alice.headers).json()["changes"]
    assert (history[-1]["to_state"], history[-1]["rule_id"], history[-1]["rule_version"]) == ("blocked", "MR-7.2", 1)
    verdict = db.query(Decision).filter_by(content_id=item["id"]).one().verdict
    assert verdict["report_categories"] == ["illegal.terrorism"]
    spans = verdict["reasons"][0]["evidence"]
    assert spans and all(TERROR[s["start"]:s["end"]] for s in spans)


def test_doxxing_is_held_for_review_and_visible_only_to_its_author(client, db) -> None:
    alice = publisher(client)
    item = post(client, alice, DOXXING)
    assert item["state"] == "held"
    assert client.get(f"/v1/content/{item['id']}").status_code == 404
    assert client.get(f"/v1/me/content/{item['id']}", headers=alice.headers).json()["state"] == "held"
    case = db.query(ReviewCase).filter_by(content_id=item["id"]).one()
    assert case.blocking and "illegal.privacy" in case.categories
    reasons = db.query(Decision).filter_by(content_id=item["id"]).one().verdict["reasons"]
    privacy = next(r for r in reasons if r["category"] == "illegal.privacy")
    assert privacy["rule_id"] == "MR-7.8"
    found = {DOXXING[s["start"]:s["end"]] for s in privacy["evidence"] if s["source"] == "pii"}
    assert "13800138000" in found


def test_a_blocked_reply_never_shows_in_the_thread(client) -> None:
    alice, bob = publisher(client), publisher(client)
    parent = post(client, alice, "今天的比赛太精彩了，最后一分钟绝杀！")
    bad = client.post(f"/v1/content/{parent['id']}/replies", headers=bob.headers, json={"body": TERROR}).json()
    assert bad["state"] == "blocked"
    assert client.get(f"/v1/content/{parent['id']}/replies").json()["items"] == []
