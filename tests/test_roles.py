"""Roles are enforced on every endpoint: anything not tagged public refuses anonymous callers,
and staff endpoints refuse ordinary users."""

import re

import pytest

from qinglang.app import create_app
from tests.identity.builders import publisher, staff


def _operations(runtime):  # noqa: ANN001, ANN202
    """(method, path, tags) of every operation, as the published OpenAPI document lists them."""
    document = create_app(runtime=runtime).openapi()
    return [(method.upper(), path, operation.get("tags", []))
            for path, item in document["paths"].items() for method, operation in item.items()]


def _concrete(path: str) -> str:
    path = re.sub(r"\{slug\}", "conventions", path)
    path = re.sub(r"\{video_id\}", "v1", path)
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_non_public_endpoint_refuses_anonymous_callers(client, runtime) -> None:
    checked = 0
    for method, path, tags in _operations(runtime):
        if "public" in tags:
            continue
        response = client.request(method, _concrete(path), json={})
        assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
        assert response.json()["code"] == "not_authenticated"
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", ["user", "authority", "reviewer"])
def test_admin_endpoints_refuse_other_roles(client, db, runtime, role: str) -> None:
    caller = publisher(client) if role == "user" else staff(client, db, runtime, role)
    admin_operations = [(m, p) for m, p, _ in _operations(runtime)
                        if p.startswith("/v1/admin/") or (p.endswith("/versions") and m == "POST")]
    assert admin_operations
    for method, path in admin_operations:
        response = client.request(method, _concrete(path), headers=caller.headers, json={})
        assert response.status_code == 403, f"{role} got {response.status_code} on {method} {path}"
        assert response.json()["code"] == "role_required"


def test_a_garbage_token_is_refused(client) -> None:
    response = client.get("/v1/me", headers={"Authorization": "Bearer ql_not-a-token"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"
