"""Staff for review tests: an admin, and reviewers qualified through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.identity.builders import ApiUser, staff

DOXXING = "曝光！张三的身份证号110105194912310021，手机13800138000，住在北京市朝阳区建国路88号3单元501室"
# The doxxing sample also reads as a rumour to the false-information model ("曝光！..."), so its
# cases carry both categories and their reviewers need both qualifications.
DOXXING_CATEGORIES = ("illegal.privacy", "illegal.false_information")
TERROR = "想加入伊斯兰国的兄弟私聊，自制炸药配方在这里"


def reviewer(client: TestClient, db, runtime, admin: ApiUser, *categories: str) -> ApiUser:  # noqa: ANN001
    account = staff(client, db, runtime, "reviewer")
    if categories:
        response = client.post(f"/v1/review/reviewers/{account.id}/qualifications", headers=admin.headers,
                               json={"categories": list(categories)})
        assert response.status_code == 200, response.text
    return account


def post(client: TestClient, author: ApiUser, body: str, title: str | None = None) -> dict:
    response = client.post("/v1/posts", headers=author.headers, json={"body": body, "title": title})
    assert response.status_code == 201, response.text
    return response.json()
