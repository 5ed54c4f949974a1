"""Builders for the authority tests: routing files, authors from a district, officials and
reports. Accounts and content go through the API like real users; reports through the service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from qinglang.authority import service
from qinglang.authority.models import AuthorityReport
from qinglang.authority.routing import SHIPPED_ROUTING
from qinglang.authority.settings import AuthoritySettings
from tests.identity.builders import ApiUser, accept_agreement, id_number, register, staff, verify

SECRET = "department-secret-0123456789"


def routing_file(tmp_path: Path, webhooks: dict[str, str] | None = None) -> Path:
    """The shipped routing with webhooks filled in for some departments."""
    text = SHIPPED_ROUTING.read_text(encoding="utf-8")
    for department_id, url in (webhooks or {}).items():
        marker = f"  - id: {department_id}\n"
        start = text.index(marker)
        hook = text.index('webhook: ""', start)
        text = text[:hook] + f'webhook: "{url}"' + text[hook + len('webhook: ""') :]
    path = tmp_path / "departments.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def authority_settings(
    tmp_path: Path, webhooks: dict[str, str] | None = None, **fields: object
) -> AuthoritySettings:
    values: dict[str, object] = {
        "authority_routing_file": routing_file(tmp_path, webhooks),
        "authority_platform_region": "310104",
        "authority_webhook_secrets": {d: SECRET for d in (webhooks or {})},
    }
    values.update(fields)
    return AuthoritySettings(**values)


def author(client: TestClient, region: str = "310115") -> ApiUser:
    """A publishing user whose verified identity number starts with ``region``."""
    user = register(client)
    verify(client, user, number=id_number(region=region))
    accept_agreement(client, user)
    return user


def post(client: TestClient, user: ApiUser, body: str = "传言某地发生重大事故，大家快转发") -> int:
    response = client.post("/v1/posts", headers=user.headers, json={"body": body})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def official(
    client: TestClient, db: Session, runtime, admin: ApiUser, *departments: str
) -> ApiUser:  # noqa: ANN001
    user = staff(client, db, runtime, "authority")
    for department_id in departments:
        response = client.post(
            f"/v1/authority/departments/{department_id}/members",
            headers=admin.headers,
            json={"account_id": user.id},
        )
        assert response.status_code == 201, response.text
    return user


def file(
    db: Session,
    settings: AuthoritySettings,
    content_id: int,
    category: str = "illegal.false_information",
    severity: str = "high",
    region: str | None = "author",
    now: dt.datetime | None = None,
) -> list[AuthorityReport]:
    """File as the pipeline would; the district comes from the author's identity unless given."""
    if region == "author":
        region = service.author_region_code(db, content_id)
    return service.file_report(
        db,
        content_id=content_id,
        category=category,
        severity=severity,
        rule_id="MR-7.6",
        rule_version=1,
        summary="编造险情",
        evidence_ref="evidence:42",
        author_region_code=region,
        settings=settings,
        now=now,
    )
