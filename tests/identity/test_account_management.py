"""R9.3, R3.1: account statuses and restrictions, each change citing a published rule."""

import datetime as dt

from tests.identity.builders import PASSWORD, id_number, publisher, register, staff, verify


def _post(client, user, body="你好"):  # noqa: ANN001, ANN202
    return client.post("/v1/posts", headers=user.headers, json={"body": body})


def test_suspension_stops_publishing_and_is_recorded_with_its_rule(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    user = publisher(client)
    response = client.post(f"/v1/admin/accounts/{user.id}/status", headers=admin.headers,
                           json={"status": "suspended", "reason": "repeated rumours", "rule_id": "MR-7.6"})
    assert response.status_code == 200, response.text
    event = response.json()
    assert (event["rule_id"], event["rule_version"]) == ("MR-7.6", 1)
    assert _post(client, user).json()["code"] == "account_suspended"

    history = client.get(f"/v1/admin/accounts/{user.id}/events", headers=admin.headers).json()
    change = history[-1]
    assert change["kind"] == "status_changed" and change["actor_id"] == admin.id
    assert change["details"] == {"from": "active", "to": "suspended", "until": None}

    client.post(f"/v1/admin/accounts/{user.id}/status", headers=admin.headers,
                json={"status": "active", "reason": "appeal upheld", "rule_id": "MR-9.3"})
    assert _post(client, user).status_code == 201


def test_an_action_citing_no_published_rule_is_refused(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    user = publisher(client)
    response = client.post(f"/v1/admin/accounts/{user.id}/status", headers=admin.headers,
                           json={"status": "suspended", "reason": "no reason", "rule_id": "MR-99"})
    assert response.status_code == 422 and response.json()["code"] == "unknown_rule"
    assert _post(client, user).status_code == 201


def test_feature_restrictions_apply_per_kind(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    user = publisher(client)
    post_id = _post(client, user).json()["id"]
    client.post(f"/v1/admin/accounts/{user.id}/restrictions", headers=admin.headers,
                json={"features": ["reply", "danmaku"], "reason": "flooding", "rule_id": "MR-9.1"})
    reply = client.post(f"/v1/content/{post_id}/replies", headers=user.headers, json={"body": "再来"})
    assert reply.status_code == 403 and reply.json()["detail"] == {"feature": "reply"}
    danmaku = client.post("/v1/videos/v1/danmaku", headers=user.headers, json={"offset_ms": 5, "body": "x"})
    assert danmaku.json()["code"] == "feature_restricted"
    assert _post(client, user).status_code == 201


def test_mute_lasts_until_its_time(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    user = publisher(client)
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    client.post(f"/v1/admin/accounts/{user.id}/mute", headers=admin.headers,
                json={"until": until, "reason": "insults", "rule_id": "MR-7.7"})
    muted = _post(client, user)
    assert muted.status_code == 403 and muted.json()["code"] == "account_muted"
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    response = client.post(f"/v1/admin/accounts/{user.id}/mute", headers=admin.headers,
                           json={"until": past, "reason": "x", "rule_id": "MR-7.7"})
    assert response.json()["code"] == "invalid_until"


def test_closing_an_account_bans_its_identity_from_registering_again(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    number = id_number()
    user = register(client)
    verify(client, user, number=number)
    client.post(f"/v1/admin/accounts/{user.id}/status", headers=admin.headers,
                json={"status": "closed", "reason": "terror propaganda", "rule_id": "MR-7.2"})
    assert client.get("/v1/me", headers=user.headers).status_code == 401
    login = client.post("/v1/sessions", json={"handle": user.handle, "password": PASSWORD})
    assert login.json()["code"] == "account_closed"

    newcomer = register(client)
    response = client.post("/v1/me/identity", headers=newcomer.headers,
                           json={"name": "张三", "id_number": number, "mobile": newcomer.mobile})
    assert response.status_code == 403 and response.json()["code"] == "identity_banned"


def test_users_cannot_manage_accounts(client) -> None:
    user = publisher(client)
    other = publisher(client)
    response = client.post(f"/v1/admin/accounts/{other.id}/status", headers=user.headers,
                           json={"status": "suspended", "reason": "x", "rule_id": "MR-9.3"})
    assert response.status_code == 403 and response.json()["code"] == "role_required"
