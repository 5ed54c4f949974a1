"""R9.1, R10.1, R3.1: published, versioned documents and agreement acceptance."""

from qinglang.rules.markdown import parse_rules
from tests.identity.builders import publisher, register, staff, verify

AGREEMENT_V2 = """# 用户协议 v2

### [UA-1] 真实身份 (R10.2)
须提供真实身份信息。

### [UA-7] 新增条款 (R10.1)
新版本的条款。
"""


def test_every_shipped_document_is_served_publicly(client) -> None:
    listing = client.get("/v1/rules").json()["items"]
    assert {d["slug"] for d in listing} == {"management-rules", "conventions", "user-agreement",
                                            "reporting-methods"}
    rules = client.get("/v1/rules/management-rules").json()["rules"]
    false_info = next(r for r in rules if r["rule_id"] == "MR-7.6")
    assert false_info["requirements"] == ["R7.2"]
    assert false_info["categories"] == ["illegal.false_information"]


def test_rule_problems_are_reported_with_their_line() -> None:
    body = "# Doc\n\n### [FI-1] One\ntext\n\n### [FI-1] Again\n\n### [bad id] x\n"
    _, problems = parse_rules(body)
    assert [(p.line, p.message) for p in problems] == [
        (6, "rule ID [FI-1] already used on line 3"),
        (8, "rule ID [bad id] should look like [FI-1] or [CONV-7.2]"),
    ]


def test_an_invalid_document_is_refused_and_nothing_is_published(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    response = client.post("/v1/rules/conventions/versions", headers=admin.headers,
                           json={"body_md": "no title\n### [X-1] a\n### [X-1] b\n"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_document"
    assert {"line": 1, "message": "the document needs a '# Title' line"} in body["detail"]
    assert client.get("/v1/rules/conventions/versions").json()["items"][0]["version"] == 1


def test_publishing_requires_accepting_the_current_agreement(client) -> None:
    user = register(client)
    verify(client, user)
    refused = client.post("/v1/posts", headers=user.headers, json={"body": "第一条"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "agreement_required"
    assert refused.json()["detail"] == {"current_version": 1}
    wrong = client.post("/v1/me/agreement", headers=user.headers, json={"version": 7})
    assert wrong.json()["code"] == "agreement_version_mismatch"
    client.post("/v1/me/agreement", headers=user.headers, json={"version": 1})
    assert client.post("/v1/posts", headers=user.headers, json={"body": "第一条"}).status_code == 201


def test_a_new_agreement_version_requires_re_acceptance(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    user = publisher(client)
    published = client.post("/v1/rules/user-agreement/versions", headers=admin.headers,
                            json={"body_md": AGREEMENT_V2, "summary": "adds UA-7"})
    assert published.status_code == 201 and published.json()["version"] == 2
    assert client.post("/v1/posts", headers=user.headers, json={"body": "hi"}).json()["code"] == "agreement_required"
    client.post("/v1/me/agreement", headers=user.headers, json={"version": 2})
    assert client.post("/v1/posts", headers=user.headers, json={"body": "hi"}).status_code == 201
    old = client.get("/v1/rules/user-agreement/versions/1").json()
    assert old["version"] == 1 and "UA-7" not in old["body_md"]


def test_decisions_cite_the_rule_version_in_force(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    user = publisher(client)
    client.post("/v1/rules/user-agreement/versions", headers=admin.headers, json={"body_md": AGREEMENT_V2})
    event = client.post(f"/v1/admin/accounts/{user.id}/mute", headers=admin.headers,
                        json={"until": None, "reason": "lifted", "rule_id": "UA-7"}).json()
    assert (event["rule_id"], event["rule_version"]) == ("UA-7", 2)
    # UA-6 existed only in version 1: no longer citable once version 2 replaced it.
    gone = client.post(f"/v1/admin/accounts/{user.id}/mute", headers=admin.headers,
                       json={"until": None, "reason": "x", "rule_id": "UA-6"})
    assert gone.json()["code"] == "unknown_rule"
