"""R12.2: staff pin, boost and suppress with a reason and an expiry; every intervention is in the
evidence log, listable and revocable; governance still wins."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from qinglang.evidence.models import EvidenceRecord
from tests.identity.builders import publisher, staff
from tests.review.builders import post
from tests.rumors.builders import SPREAD, add_claim


def _soon(hours: int = 2) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


def test_pin_suppress_list_and_revoke(client, db, runtime) -> None:
    editor = staff(client, db, runtime, "reviewer")
    author, reader = publisher(client), publisher(client)
    old = post(client, author, "社区图书馆周六上午有亲子阅读活动，欢迎带孩子来。")
    newer = post(client, author, "新开的面馆味道不错，价格也实惠。")
    pin = client.post("/v1/feed/interventions", headers=editor.headers, json={
        "content_id": old["id"], "surface": "feed", "action": "pin", "reason": "社区公告", "expires_at": _soon()})
    assert pin.status_code == 201, pin.text
    assert client.get("/v1/feed", headers=reader.headers).json()["items"][0]["id"] == old["id"]
    suppress = client.post("/v1/feed/interventions", headers=editor.headers, json={
        "content_id": newer["id"], "surface": "feed", "action": "suppress", "reason": "重复内容",
        "expires_at": _soon()}).json()
    assert newer["id"] not in [i["id"] for i in client.get("/v1/feed", headers=reader.headers).json()["items"]]

    listed = client.get("/v1/feed/interventions", headers=editor.headers).json()["items"]
    assert {i["id"] for i in listed} >= {pin.json()["id"], suppress["id"]}
    revoked = client.post(f"/v1/feed/interventions/{suppress['id']}/revoke", headers=editor.headers,
                          json={"reason": "误操作"})
    assert revoked.status_code == 200 and revoked.json()["revoked_by"] == editor.id
    assert newer["id"] in [i["id"] for i in client.get("/v1/feed", headers=reader.headers).json()["items"]]
    again = client.post(f"/v1/feed/interventions/{suppress['id']}/revoke", headers=editor.headers,
                        json={"reason": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "intervention_revoked"
    tags = db.scalars(sa.select(EvidenceRecord.tag).where(EvidenceRecord.tag.like("feed:intervention:%"))).all()
    assert tags.count("feed:intervention:created") >= 2 and "feed:intervention:revoked" in tags


def test_interventions_need_a_future_expiry_and_cannot_promote_resisted_items(client, db, runtime) -> None:
    editor = staff(client, db, runtime, "reviewer")
    add_claim(client, editor)
    rumour = post(client, publisher(client), SPREAD)
    refused = client.post("/v1/feed/interventions", headers=editor.headers, json={
        "content_id": rumour["id"], "surface": "hot", "action": "boost", "reason": "热点", "expires_at": _soon()})
    assert refused.status_code == 409 and refused.json()["code"] == "governance_conflict"
    past = client.post("/v1/feed/interventions", headers=editor.headers, json={
        "content_id": rumour["id"], "surface": "hot", "action": "suppress", "reason": "x",
        "expires_at": _soon(-1)})
    assert past.status_code == 422 and past.json()["code"] == "expiry_in_past"
    user = publisher(client)
    assert client.get("/v1/feed/interventions", headers=user.headers).status_code == 403


def test_the_hot_list_ranks_what_people_engage_with(client, db, runtime) -> None:
    from qinglang.stream import service as stream_service

    author = publisher(client)
    quiet = post(client, author, "今天去公园散步，樱花开了。")
    busy = post(client, author, "地铁二号线今天人特别多，大家错峰出行。")
    stream_service.add_reach(db, busy["id"], views=50, shares=5)
    stream_service.add_reach(db, quiet["id"], views=2)
    db.commit()
    hot = [i["id"] for i in client.get("/v1/feed/hot").json()["items"]]
    assert hot.index(busy["id"]) < hot.index(quiet["id"])
