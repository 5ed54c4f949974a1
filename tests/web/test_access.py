"""R3.1, R10.2: the console enforces the API's roles on every page; sign-in uses an HttpOnly
session cookie; forms need the CSRF token."""

import re

import pytest
from fastapi.routing import APIRoute

from qinglang.web import routes as web_routes
from tests.identity.builders import publisher, staff
from tests.review.builders import post
from tests.web.builders import csrf, post_form, sign_in

PUBLIC = {
    "/",
    "/rules/{slug}",
    "/sign-in",
    "/sign-out",
    "/static/{name}",
    "/debunks",
    "/debunks/{claim_id}",
    "/hot",
    "/search",
}


def _pages() -> list[tuple[str, str]]:
    return [
        (method, route.path)
        for router in web_routes.routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
        if route.path not in PUBLIC
    ]


def test_every_non_public_page_sends_anonymous_visitors_to_sign_in(client) -> None:
    pages = _pages()
    assert len(pages) >= 12
    token = csrf(client)
    for method, path in pages:
        concrete = re.sub(r"\{[a-z_]+_id\}", "1", path)
        response = client.request(
            method, concrete, data={"csrf": token} if method == "POST" else None, follow_redirects=False
        )
        assert response.status_code == 303, f"{method} {path} answered {response.status_code}"
        assert response.headers["location"].startswith("/sign-in?next=")


@pytest.mark.parametrize(
    ("role", "refused", "allowed"),
    [
        (
            "user",
            ["/review", "/staff/policy", "/staff/lexicon", "/staff/staffing", "/authority", "/compliance"],
            ["/me"],
        ),
        ("reviewer", ["/authority", "/authority/supervision", "/compliance"], ["/review", "/staff/policy"]),
        ("authority", ["/review", "/staff/policy", "/staff/staffing"], ["/authority", "/compliance"]),
    ],
)
def test_pages_refuse_roles_the_api_refuses(client, db, runtime, role, refused, allowed) -> None:
    user = publisher(client) if role == "user" else staff(client, db, runtime, role)
    sign_in(client, user)
    for path in refused:
        response = client.get(path)
        assert response.status_code == 403 and "role_required" in response.text, path
    for path in allowed:
        assert client.get(path).status_code == 200, path


def test_sign_in_sets_an_httponly_lax_cookie_and_a_wrong_password_keeps_the_handle(client) -> None:
    user = publisher(client)
    wrong = client.post(
        "/sign-in",
        data={"csrf": csrf(client), "handle": user.handle, "password": "nope", "next": "/me"},
        follow_redirects=False,
    )
    assert wrong.status_code == 401
    assert f'value="{user.handle}"' in wrong.text and "用户名或密码错误" in wrong.text
    right = client.post(
        "/sign-in",
        data={
            "csrf": csrf(client),
            "handle": user.handle,
            "password": "correct horse battery",
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert right.status_code == 303 and right.headers["location"] == "/me"  # no open redirect
    cookie = next(h for h in right.headers.get_list("set-cookie") if h.startswith("ql_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert user.handle in client.get("/me").text


def test_a_form_without_the_csrf_token_changes_nothing(client) -> None:
    author = publisher(client)
    sign_in(client, author)
    forged = client.post("/me/posts", data={"body": "跨站提交"}, follow_redirects=False)
    assert forged.status_code == 403 and "csrf_failed" in forged.text
    wrong = client.post("/me/posts", data={"body": "跨站提交", "csrf": "guess"}, follow_redirects=False)
    assert wrong.status_code == 403
    mine = client.get("/v1/posts", params={"author_id": author.id}).json()["items"]
    assert mine == []


def test_the_session_cookie_is_not_accepted_by_the_json_api(client) -> None:
    """The API reads bearer tokens only, so other sites cannot ride a browser session."""
    user = publisher(client)
    sign_in(client, user)
    assert client.get("/v1/me").status_code == 401


def test_signing_out_ends_the_browser_session(client) -> None:
    user = publisher(client)
    sign_in(client, user)
    post_form(client, "/sign-out", {})
    assert client.get("/me", follow_redirects=False).status_code == 303


def test_held_items_and_refused_posts_never_reach_the_public_page(client) -> None:
    """R14.1: what waits for review is not on the public page."""
    from tests.review.builders import DOXXING

    author = publisher(client)
    visible = post(client, author, "社区图书馆周六有讲座。", title="讲座")
    held = post(client, author, DOXXING)
    page = client.get("/").text
    assert f'id="post-{visible["id"]}"' in page and f'id="post-{held["id"]}"' not in page
