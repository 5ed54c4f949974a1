"""R15.1 with R10.2: posts, replies, messages and danmaku through the one pipeline."""

from tests.identity.builders import accept_agreement, publisher, register, verify


def test_a_verified_user_posts_replies_messages_and_sends_danmaku(client) -> None:
    alice, bob = publisher(client), publisher(client)
    post = client.post("/v1/posts", headers=alice.headers, json={"title": "公园", "body": "樱花开了"})
    assert post.status_code == 201
    assert post.json()["state"] == "published"
    post_id = post.json()["id"]

    reply = client.post(f"/v1/content/{post_id}/replies", headers=bob.headers, json={"body": "真好看"}).json()
    nested = client.post(f"/v1/content/{reply['id']}/replies", headers=alice.headers, json={"body": "谢谢"}).json()
    assert (nested["parent_id"], nested["root_id"]) == (reply["id"], post_id)
    thread = client.get(f"/v1/content/{post_id}/replies").json()["items"]
    assert [r["body"] for r in thread] == ["真好看", "谢谢"]

    message = client.post("/v1/messages", headers=alice.headers, json={"recipient": bob.handle, "body": "周六见"})
    assert message.status_code == 201
    inbox = client.get("/v1/messages", headers=bob.headers).json()["items"]
    assert [m["body"] for m in inbox] == ["周六见"]

    for offset, text in ((3000, "后"), (1000, "前")):
        sent = client.post("/v1/videos/BV1x/danmaku", headers=bob.headers, json={"offset_ms": offset, "body": text})
        assert sent.status_code == 201
    timeline = client.get("/v1/videos/BV1x/danmaku", params={"from_ms": 0, "to_ms": 5000}).json()["items"]
    assert [(d["offset_ms"], d["body"]) for d in timeline] == [(1000, "前"), (3000, "后")]


def test_unverified_accounts_can_read_but_not_publish_or_message(client) -> None:
    reader = register(client)
    assert client.get("/v1/posts").status_code == 200
    for path, body in (("/v1/posts", {"body": "hi"}), ("/v1/messages", {"recipient": "x", "body": "hi"}),
                       ("/v1/videos/v1/danmaku", {"offset_ms": 0, "body": "hi"})):
        response = client.post(path, headers=reader.headers, json=body)
        assert response.status_code == 403, path
        assert response.json()["code"] == "identity_required"


def test_messages_go_only_to_verified_active_accounts(client) -> None:
    alice = publisher(client)
    unverified = register(client)
    response = client.post("/v1/messages", headers=alice.headers,
                           json={"recipient": unverified.handle, "body": "hello"})
    assert response.status_code == 422 and response.json()["code"] == "recipient_unavailable"
    missing = client.post("/v1/messages", headers=alice.headers, json={"recipient": "nobody_here", "body": "x"})
    assert missing.status_code == 404


def test_private_messages_are_visible_only_to_their_two_parties(client) -> None:
    alice, bob, eve = publisher(client), publisher(client), publisher(client)
    message = client.post("/v1/messages", headers=alice.headers, json={"recipient": bob.handle, "body": "秘密"}).json()
    assert client.get(f"/v1/content/{message['id']}").status_code == 404
    assert client.get(f"/v1/me/content/{message['id']}", headers=eve.headers).status_code == 404
    assert client.get(f"/v1/me/content/{message['id']}", headers=bob.headers).status_code == 200
    assert client.get("/v1/messages", headers=eve.headers).json()["items"] == []


def test_every_state_change_is_kept(client) -> None:
    alice = publisher(client)
    post = client.post("/v1/posts", headers=alice.headers, json={"body": "内容"}).json()
    history = client.get(f"/v1/content/{post['id']}/history", headers=alice.headers).json()
    assert [(c["from_state"], c["to_state"]) for c in history["changes"]] == [
        (None, "pending"), ("pending", "published")]
    assert history["changes"][1]["source"] == "gate:policy"
    stranger = publisher(client)
    assert client.get(f"/v1/content/{post['id']}/history", headers=stranger.headers).status_code == 404


def test_replies_to_missing_items_are_not_found(client) -> None:
    alice = publisher(client)
    response = client.post("/v1/content/999999/replies", headers=alice.headers, json={"body": "hi"})
    assert response.status_code == 404 and response.json()["code"] == "content_not_found"


def test_danmaku_longer_than_the_cap_is_refused(client, settings) -> None:
    alice = publisher(client)
    response = client.post("/v1/videos/v1/danmaku", headers=alice.headers,
                           json={"offset_ms": 0, "body": "哈" * (settings.max_danmaku_chars + 1)})
    assert response.status_code == 422 and response.json()["code"] == "text_too_long"


def test_a_verified_user_who_has_not_accepted_cannot_message(client) -> None:
    bob = publisher(client)
    alice = register(client)
    verify(client, alice)
    response = client.post("/v1/messages", headers=alice.headers, json={"recipient": bob.handle, "body": "x"})
    assert response.json()["code"] == "agreement_required"
    accept_agreement(client, alice)
    assert client.post("/v1/messages", headers=alice.headers,
                       json={"recipient": bob.handle, "body": "x"}).status_code == 201
