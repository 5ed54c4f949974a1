"""Every request is bounded and validated; refusals carry a machine-readable code and nothing
is half-written (issue 2, "Bad input")."""

import pytest

from tests.identity.builders import PASSWORD, publisher


def _count_posts(client) -> int:  # noqa: ANN001
    return len(client.get("/v1/posts", params={"limit": 100}).json()["items"])


def test_an_oversized_body_is_refused_before_it_is_read(client, settings) -> None:
    alice = publisher(client)
    before = _count_posts(client)
    response = client.post("/v1/posts", headers=alice.headers,
                           json={"body": "字" * settings.max_body_bytes})
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert _count_posts(client) == before


def test_a_body_without_content_length_is_still_capped(client, settings) -> None:
    alice = publisher(client)

    def chunks():  # noqa: ANN202 - streamed upload has no Content-Length
        yield b'{"body": "'
        for _ in range(settings.max_body_bytes // 1000 + 1):
            yield b"a" * 1000
        yield b'"}'

    response = client.post("/v1/posts", headers={**alice.headers, "Content-Type": "application/json"},
                           content=chunks())
    assert response.status_code == 413


def test_text_over_the_setting_is_refused(client, settings) -> None:
    alice = publisher(client)
    response = client.post("/v1/posts", headers=alice.headers, json={"body": "a" * (settings.max_text_chars + 1)})
    assert response.status_code == 422
    assert response.json()["code"] == "text_too_long"


@pytest.mark.parametrize(("body", "code"), [
    ("", "empty_text"),
    ("   \n\t ", "empty_text"),
    ("\u200b\u3000", "empty_text"),
    ("hello\x00world", "control_characters"),
    ("abc\u202edcba", "control_characters"),
])
def test_empty_and_control_character_text_is_refused(client, body: str, code: str) -> None:
    alice = publisher(client)
    before = _count_posts(client)
    response = client.post("/v1/posts", headers=alice.headers, json={"body": body})
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert _count_posts(client) == before


def test_invalid_json_is_a_400(client) -> None:
    alice = publisher(client)
    response = client.post("/v1/posts", headers={**alice.headers, "Content-Type": "application/json"},
                           content=b'{"body": "unterminated')
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_unknown_fields_are_refused_not_dropped(client) -> None:
    alice = publisher(client)
    response = client.post("/v1/posts", headers=alice.headers, json={"body": "hi", "tittle": "typo"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_field"
    assert body["detail"][0]["loc"] == ["body", "tittle"]


def test_registration_refuses_bad_mobile_and_short_password_writing_nothing(client) -> None:
    bad_mobile = client.post("/v1/accounts", json={"handle": "zed", "password": PASSWORD, "mobile": "12345"})
    assert bad_mobile.status_code == 422 and bad_mobile.json()["code"] == "mobile_format"
    short = client.post("/v1/accounts", json={"handle": "zed", "password": "short", "mobile": "13900000000"})
    assert short.status_code == 422 and short.json()["code"] == "invalid_input"
    # Neither attempt left an account behind: the handle is still free.
    ok = client.post("/v1/accounts", json={"handle": "zed", "password": PASSWORD, "mobile": "13900000000"})
    assert ok.status_code == 201


def test_danmaku_video_ids_and_offsets_are_validated(client) -> None:
    alice = publisher(client)
    assert client.post("/v1/videos/bad id!/danmaku", headers=alice.headers,
                       json={"offset_ms": 0, "body": "x"}).status_code == 422
    negative = client.post("/v1/videos/v1/danmaku", headers=alice.headers, json={"offset_ms": -1, "body": "x"})
    assert negative.status_code == 422 and negative.json()["detail"][0]["loc"] == ["body", "offset_ms"]
