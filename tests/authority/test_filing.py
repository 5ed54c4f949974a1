"""R14.4: reports to the competent departments, one per department, filed once."""

import re

import pytest

from qinglang.authority import service
from qinglang.authority.models import AuthorityDelivery
from qinglang.content import service as content_service
from qinglang.content.models import ContentState
from qinglang.errors import InvalidInput
from tests.authority.builders import author, authority_settings, file, post
from tests.identity.builders import publisher, staff


def test_one_report_per_competent_department_with_a_stable_number(client, db, tmp_path) -> None:
    """R14.4, R4.1: terrorism goes to the district's police and network information office."""
    settings = authority_settings(tmp_path)
    item = post(client, author(client, "310115"))
    reports = file(db, settings, item, category="illegal.terrorism")
    assert [r.department_id for r in reports] == ["police-310115", "cyberspace-310115"]
    assert all(re.fullmatch(r"QL-20\d\d-\d{6}", r.number) for r in reports)
    assert len({r.number for r in reports}) == 2
    assert {r.district for r in reports} == {"310115"}
    assert reports[0].content_snapshot["body"] == "传言某地发生重大事故，大家快转发"


def test_filing_again_returns_the_same_reports(client, db, tmp_path) -> None:
    """R14.4: idempotent per item, category and department; a severe verdict adds the police."""
    settings = authority_settings(tmp_path)
    item = post(client, author(client))
    first = file(db, settings, item, severity="high")
    again = file(db, settings, item, severity="high")
    assert [r.id for r in again] == [r.id for r in first]
    escalated = file(db, settings, item, severity="severe")
    assert escalated[0].id == first[0].id
    assert [r.department_id for r in escalated] == ["cyberspace-310115", "police-310115"]


def test_the_report_keeps_the_item_as_it_was_after_removal(client, db, tmp_path) -> None:
    """R14.3/R14.4: the authority still sees what was reported after the platform removes it."""
    settings = authority_settings(tmp_path)
    item_id = post(client, author(client), body="某某小区有人投毒，速看")
    [report] = file(db, settings, item_id)
    item = content_service.get(db, item_id)
    content_service.transition(db, item, ContentState.REMOVED, source="test")
    db.refresh(report)
    assert report.content_snapshot["body"] == "某某小区有人投毒，速看"
    assert report.content_snapshot["state"] == "published"


def test_unknown_categories_and_severities_are_refused(client, db, tmp_path) -> None:
    settings = authority_settings(tmp_path)
    item = post(client, author(client))
    with pytest.raises(InvalidInput) as error:
        file(db, settings, item, category="illegal.gossip")
    assert error.value.code == "unknown_category"
    with pytest.raises(InvalidInput) as error:
        file(db, settings, item, severity="apocalyptic")
    assert error.value.code == "invalid_severity"


def test_only_departments_with_a_webhook_get_an_outbox_entry(client, db, tmp_path) -> None:
    """R14.4: a department without a webhook reads its inbox; no delivery is queued for it."""
    settings = authority_settings(tmp_path, {"police-310115": "http://127.0.0.1:9/hook"})
    item = post(client, author(client))
    reports = file(db, settings, item, category="illegal.violence")
    states = {r.department_id: r.delivery_state for r in reports}
    assert states == {"police-310115": "pending", "cyberspace-310115": "inbox_only"}
    deliveries = (
        db.query(AuthorityDelivery)
        .filter(AuthorityDelivery.report_id.in_([r.id for r in reports]))
        .all()
    )
    assert [d.department_id for d in deliveries] == ["police-310115"]


def test_admins_file_manual_reports_routed_by_the_authors_identity(
    client, db, runtime, app, tmp_path
) -> None:
    """R14.4: staff report by hand; the district comes from the author's verified identity."""
    from qinglang.authority.settings import get_authority_settings

    app.dependency_overrides[get_authority_settings] = lambda: authority_settings(tmp_path)
    admin = staff(client, db, runtime, "admin")
    item = post(client, author(client, "310101"))
    body = {
        "content_id": item,
        "category": "illegal.pornography",
        "severity": "high",
        "rule_id": "MR-7.5",
        "summary": "淫秽图片",
        "evidence_ref": "evidence:7",
    }
    response = client.post("/v1/authority/reports", headers=admin.headers, json=body)
    assert response.status_code == 201, response.text
    reports = response.json()
    assert [r["department_id"] for r in reports] == ["cyberspace-310101", "police-310101"]
    assert reports[0]["filed_by"] == admin.id and reports[0]["rule_version"] == 1

    clickbait = client.post(
        "/v1/authority/reports", headers=admin.headers, json={**body, "category": "bad.clickbait"}
    )
    assert clickbait.status_code == 422 and clickbait.json()["code"] == "no_competent_department"
    no_rule = client.post(
        "/v1/authority/reports", headers=admin.headers, json={**body, "rule_id": "MR-99"}
    )
    assert no_rule.json()["code"] == "unknown_rule"


def test_authors_without_identity_in_the_city_go_to_the_platforms_district(
    client, db, tmp_path
) -> None:
    """R4.1: the platform's registered district stands in (QINGLANG_AUTHORITY_PLATFORM_REGION)."""
    settings = authority_settings(tmp_path)
    item = post(client, publisher(client))  # verified in Beijing (110105)
    region = service.author_region_code(db, item)
    assert region == "110105"
    [report] = file(db, settings, item, region=region)
    assert (
        report.department_id == "cyberspace-310104"
        and report.routing["routed_by"] == "platform_region"
    )


def test_reports_can_be_filed_only_by_admins(client, db, runtime) -> None:
    for role in ("reviewer", "authority"):
        caller = staff(client, db, runtime, role)
        response = client.post(
            "/v1/authority/reports",
            headers=caller.headers,
            json={
                "content_id": 1,
                "category": "illegal.violence",
                "rule_id": "MR-7.1",
                "summary": "x",
            },
        )
        assert response.status_code == 403 and response.json()["code"] == "role_required"
