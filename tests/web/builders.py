"""Signing in through the sign-in page, as a browser does: cookie session plus CSRF field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from qinglang.web.auth import CSRF_COOKIE
from tests.identity.builders import PASSWORD, ApiUser


def csrf(client: TestClient) -> str:
    if not client.cookies.get(CSRF_COOKIE):
        client.get("/sign-in")
    return client.cookies[CSRF_COOKIE]


def sign_in(client: TestClient, user: ApiUser, password: str = PASSWORD) -> None:
    client.cookies.clear()
    response = client.post(
        "/sign-in",
        data={"csrf": csrf(client), "handle": user.handle, "password": password, "next": "/me"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def post_form(client: TestClient, path: str, fields: dict[str, str]):  # noqa: ANN201 - httpx response
    return client.post(path, data={"csrf": csrf(client), **fields}, follow_redirects=False)
