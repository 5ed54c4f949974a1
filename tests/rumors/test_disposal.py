"""R9.7: new posts matched against the bank at submission, stored posts swept when a claim
arrives, and everyone who saw a rumour corrected once per claim."""

from __future__ import annotations

import sqlalchemy as sa

from qinglang.policy.models import Decision
from qinglang.review.models import ReviewCase
from tests.identity.builders import publisher, staff
from tests.review.builders import post
from tests.rumors.builders import RUMOUR, SPREAD, add_claim


def _corrections(client, user) -> list[dict]:  # noqa: ANN001
    return client.get("/v1/me/notices", headers=user.headers, params={"kind": "correction"}).json()["items"]


def test_a_post_that_says_a_debunked_claim_is_labelled_limited_and_its_author_told(client, db, runtime) -> None:
    add_claim(client, staff(client, db, runtime, "reviewer"))
    author = publisher(client)
    item = post(client, author, SPREAD)
    assert item["state"] == "limited" and "false_information" in item["labels"]
    decision = db.scalars(sa.select(Decision).where(Decision.content_id == item["id"])).one()
    spans = [e for r in decision.verdict["reasons"] for e in r["evidence"] if e["source"] == "claim_match"]
    assert spans and spans[0]["detail"].startswith("claim:")
    told = client.get("/v1/me/notices", headers=author.headers).json()["items"]
    assert any(n["data"].get("content_id") == item["id"] and n["data"]["rule_id"] == "MR-7.6" for n in told)


def test_a_weaker_match_stays_up_labelled_disputed_and_goes_to_a_reviewer(client, db, runtime) -> None:
    add_claim(client, staff(client, db, runtime, "reviewer"))
    item = post(client, publisher(client), "成都青白江区10月底要开展核酸检测了吗")
    assert item["state"] == "published" and item["labels"] == ["disputed"]
    case = db.scalars(sa.select(ReviewCase).where(ReviewCase.content_id == item["id"])).one()
    assert not case.blocking and case.categories == ["illegal.false_information"]


def test_a_new_claim_sweeps_stored_posts_and_corrects_who_saw_them(client, db, runtime, deliver) -> None:
    reader, other, author = publisher(client), publisher(client), publisher(client)
    spread = post(client, author, SPREAD)
    again = post(client, author, "家人们注意：成都青白江区10月底开展全员核酸检测！")
    unrelated = post(client, author, "社区图书馆周六上午有亲子阅读活动，欢迎带孩子来。")
    assert spread["state"] == "published"
    for item in (spread, again):
        assert client.post(f"/v1/content/{item['id']}/events", headers=reader.headers,
                           json={"type": "view", "surface": "feed"}).status_code == 202
    deliver.drain()  # indexes the published posts, records the views as exposures

    admin = staff(client, db, runtime, "admin")
    claim = add_claim(client, admin)
    deliver.drain()  # the sweep, then the corrections

    for item in (spread, again):
        swept = client.get(f"/v1/content/{item['id']}").json()
        assert swept["state"] == "limited" and "false_information" in swept["labels"]
    assert client.get(f"/v1/content/{unrelated['id']}").json()["labels"] == []
    notices = _corrections(client, reader)
    assert len(notices) == 1  # two items, one claim: one correction
    assert notices[0]["data"]["claim_id"] == claim["id"] and "未计划开展全员核酸检测" in notices[0]["body"]
    assert _corrections(client, other) == [] and _corrections(client, author) == []

    summary = client.post(f"/v1/rumors/claims/{claim['id']}/sweep", headers=admin.headers).json()
    assert (summary["matched"], summary["limited"], summary["labelled"]) == (2, 0, 0)  # already disposed
    deliver.drain()
    assert len(_corrections(client, reader)) == 1

    exposure = client.get(f"/v1/rumors/claims/{claim['id']}/exposure", headers=admin.headers).json()
    assert (exposure["impressions_before"], exposure["impressions_after"]) == (2, 0)
    assert client.get(f"/v1/debunks/{claim['id']}").json()["items_ruled_false"] == 2


def test_a_sweep_summary_counts_what_it_disposed(client, db, runtime) -> None:
    author = publisher(client)
    first = post(client, author, SPREAD)
    admin = staff(client, db, runtime, "admin")
    from qinglang.rumors import service as rumors_service

    rumors_service.index_content(db, first["id"], None, SPREAD)
    claim = add_claim(client, admin, text=RUMOUR)
    summary = client.post(f"/v1/rumors/claims/{claim['id']}/sweep", headers=admin.headers).json()
    assert (summary["candidates"], summary["matched"], summary["limited"]) == (1, 1, 1)
