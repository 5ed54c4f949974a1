"""Builders for accounts in tests: through the API (what a user does) or the service (setup)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fastapi.testclient import TestClient

from qinglang.identity.id_numbers import check_digit

_sequence = itertools.count(1)
PASSWORD = "correct horse battery"


def id_number(birth: str = "19900307", region: str = "110105", serial: int | None = None) -> str:
    serial = serial if serial is not None else next(_sequence) % 1000
    first17 = f"{region}{birth}{serial:03d}"
    return first17 + check_digit(first17)


def mobile(n: int | None = None) -> str:
    return f"139{(n if n is not None else next(_sequence)):08d}"


@dataclass
class ApiUser:
    id: int
    handle: str
    mobile: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def register(client: TestClient, *, handle: str | None = None, phone: str | None = None) -> ApiUser:
    handle = handle or f"user{next(_sequence)}"
    phone = phone or mobile()
    response = client.post("/v1/accounts", json={"handle": handle, "password": PASSWORD, "mobile": phone})
    assert response.status_code == 201, response.text
    body = response.json()
    return ApiUser(id=body["account"]["id"], handle=handle, mobile=phone, token=body["token"])


def verify(client: TestClient, user: ApiUser, *, number: str | None = None, name: str = "张三") -> dict:
    response = client.post("/v1/me/identity", headers=user.headers,
                           json={"name": name, "id_number": number or id_number(), "mobile": user.mobile})
    assert response.status_code == 200, response.text
    return response.json()


def accept_agreement(client: TestClient, user: ApiUser) -> None:
    version = client.get("/v1/rules/user-agreement").json()["version"]
    response = client.post("/v1/me/agreement", headers=user.headers, json={"version": version})
    assert response.status_code == 200, response.text


def publisher(client: TestClient, **kwargs: str) -> ApiUser:
    """A user who may publish: registered, verified, agreement accepted."""
    user = register(client, **kwargs)
    verify(client, user)
    accept_agreement(client, user)
    return user


def staff(client: TestClient, db, runtime, role: str) -> ApiUser:  # noqa: ANN001
    """A staff account: registered through the API, promoted directly (no admin exists yet)."""
    from qinglang.identity import service as identity_service
    from qinglang.identity.models import Role

    user = register(client)
    account = identity_service.get(db, user.id)
    account.role = Role(role)
    db.commit()
    return user
