"""R4.1: each department's officials see and handle their own reports; every change is recorded."""

from tests.authority.builders import author, file, official, post
from tests.identity.builders import publisher, staff


def test_officials_see_only_their_departments_reports(
    client, db, runtime, authority_config
) -> None:
    """R4.1: Pudong's police branch sees Pudong's police reports, not the network office's."""
    admin = staff(client, db, runtime, "admin")
    police = official(client, db, runtime, admin, "police-310115")
    cyber = official(client, db, runtime, admin, "cyberspace-310115")
    item = post(client, author(client))
    police_report, cyber_report = file(db, authority_config, item, category="illegal.violence")

    listed = client.get("/v1/authority/reports", headers=police.headers).json()["items"]
    assert [r["number"] for r in listed] == [police_report.number]
    hidden = client.get(f"/v1/authority/reports/{cyber_report.id}", headers=police.headers)
    assert hidden.status_code == 404 and hidden.json()["code"] == "report_not_found"
    assert [
        r["id"] for r in client.get("/v1/authority/reports", headers=cyber.headers).json()["items"]
    ] == [cyber_report.id]
    everything = client.get("/v1/authority/reports", headers=admin.headers).json()["items"]
    assert {police_report.id, cyber_report.id} <= {r["id"] for r in everything}

    departments = client.get("/v1/authority/departments", headers=police.headers).json()
    assert [d["id"] for d in departments["departments"] if d["member"]] == ["police-310115"]


def test_an_official_without_a_department_sees_nothing(
    client, db, runtime, authority_config
) -> None:
    nobody = staff(client, db, runtime, "authority")
    file(db, authority_config, post(client, author(client)))
    assert client.get("/v1/authority/reports", headers=nobody.headers).json()["items"] == []


def test_the_inbox_filters_by_category_status_district_and_date(
    client, db, runtime, authority_config
) -> None:
    """R4.1: filters an official uses to work through the inbox."""
    admin = staff(client, db, runtime, "admin")
    officer = official(client, db, runtime, admin, "police-municipal", "police-310115")
    pudong = file(
        db, authority_config, post(client, author(client, "310115")), category="illegal.privacy"
    )[0]
    xuhui = file(
        db, authority_config, post(client, author(client, "310104")), category="illegal.privacy"
    )[0]
    terror = file(
        db, authority_config, post(client, author(client, "310104")), category="illegal.terrorism"
    )[0]
    assert (pudong.department_id, xuhui.department_id) == ("police-310115", "police-municipal")

    def ids(**params: str) -> list[int]:
        response = client.get("/v1/authority/reports", headers=officer.headers, params=params)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert ids() == [terror.id, xuhui.id, pudong.id]
    assert ids(category="illegal.privacy") == [xuhui.id, pudong.id]
    assert ids(district="310104") == [terror.id, xuhui.id]
    assert ids(department="police-310115") == [pudong.id]
    assert ids(department="cyberspace-310104") == []  # not theirs: nothing, not an error
    assert ids(limit="2") == [terror.id, xuhui.id] and ids(before=str(xuhui.id)) == [pudong.id]
    since = pudong.filed_at.isoformat()
    assert len(ids(filed_from=since)) == 3 and ids(filed_to=since) == []
    client.post(f"/v1/authority/reports/{xuhui.id}/acknowledge", headers=officer.headers, json={})
    assert ids(status="acknowledged") == [xuhui.id]
    naive = client.get(
        "/v1/authority/reports", headers=officer.headers, params={"filed_from": "2026-01-01T00:00"}
    )
    assert naive.json()["code"] == "naive_datetime"


def test_handling_moves_forward_and_every_step_is_attributed(
    client, db, runtime, authority_config
) -> None:
    """R4.1 tracking: received → acknowledged → investigating → closed, each by whom and when."""
    admin = staff(client, db, runtime, "admin")
    officer = official(client, db, runtime, admin, "cyberspace-310115")
    [report] = file(db, authority_config, post(client, author(client)))
    base = f"/v1/authority/reports/{report.id}"

    viewed = client.get(base, headers=officer.headers).json()
    assert viewed["status"] == "received" and viewed["evidence_ref"] == "evidence:42"
    assert viewed["content_snapshot"]["body"] == "传言某地发生重大事故，大家快转发"
    assert viewed["history"][0]["to_status"] == "received"

    skipped = client.post(
        f"{base}/status", headers=officer.headers, json={"status": "closed", "note": "x"}
    )
    assert skipped.status_code == 409 and skipped.json()["code"] == "invalid_transition"
    acknowledged = client.post(
        f"{base}/acknowledge", headers=officer.headers, json={"note": "已收到"}
    ).json()
    assert acknowledged["status"] == "acknowledged" and acknowledged["acknowledged_at"] is not None
    again = client.post(f"{base}/acknowledge", headers=officer.headers, json={})
    assert again.status_code == 409
    client.post(f"{base}/status", headers=officer.headers, json={"status": "investigating"})
    no_note = client.post(f"{base}/status", headers=officer.headers, json={"status": "closed"})
    assert no_note.status_code == 422 and no_note.json()["code"] == "note_required"
    closed = client.post(
        f"{base}/status",
        headers=officer.headers,
        json={"status": "closed", "note": "已约谈发布者，信息已删除"},
    ).json()

    assert closed["status"] == "closed" and closed["closed_at"] is not None
    steps = [
        (h["from_status"], h["to_status"], h["actor_id"], h["note"]) for h in closed["history"]
    ]
    assert steps == [
        (None, "received", None, None),
        ("received", "acknowledged", officer.id, "已收到"),
        ("acknowledged", "investigating", officer.id, None),
        ("investigating", "closed", officer.id, "已约谈发布者，信息已删除"),
    ]
    times = [h["at"] for h in closed["history"]]
    assert times == sorted(times)


def test_admins_read_reports_but_only_the_department_handles_them(
    client, db, runtime, authority_config
) -> None:
    admin = staff(client, db, runtime, "admin")
    other = official(client, db, runtime, admin, "police-310115")
    [report] = file(db, authority_config, post(client, author(client)))
    assert (
        client.get(f"/v1/authority/reports/{report.id}", headers=admin.headers).status_code == 200
    )
    refused = client.post(
        f"/v1/authority/reports/{report.id}/acknowledge", headers=admin.headers, json={}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_department_member"
    foreign = client.post(
        f"/v1/authority/reports/{report.id}/acknowledge", headers=other.headers, json={}
    )
    assert foreign.status_code == 404


def test_admins_manage_who_acts_for_a_department(client, db, runtime, authority_config) -> None:
    """R4.1: memberships are the admin's; only authority accounts can hold them."""
    admin = staff(client, db, runtime, "admin")
    officer = official(client, db, runtime, admin, "telecom-municipal")
    members = client.get(
        "/v1/authority/departments/telecom-municipal/members", headers=admin.headers
    ).json()
    assert [m["account_id"] for m in members] == [officer.id] and members[0]["added_by"] == admin.id

    url = "/v1/authority/departments/telecom-municipal/members"
    twice = client.post(url, headers=admin.headers, json={"account_id": officer.id})
    assert twice.status_code == 409 and twice.json()["code"] == "already_member"
    user = publisher(client)
    not_authority = client.post(url, headers=admin.headers, json={"account_id": user.id})
    assert (
        not_authority.status_code == 422 and not_authority.json()["code"] == "not_authority_account"
    )
    unknown = client.post(
        "/v1/authority/departments/nowhere/members",
        headers=admin.headers,
        json={"account_id": officer.id},
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_department"
    by_official = client.post(url, headers=officer.headers, json={"account_id": officer.id})
    assert by_official.status_code == 403

    assert client.delete(f"{url}/{officer.id}", headers=admin.headers).status_code == 204
    departments = client.get("/v1/authority/departments", headers=officer.headers).json()[
        "departments"
    ]
    assert not any(d["member"] for d in departments)


def test_ordinary_users_cannot_reach_the_inbox(client, authority_config) -> None:
    user = publisher(client)
    for path in ("/v1/authority/reports", "/v1/authority/departments", "/v1/authority/supervision"):
        response = client.get(path, headers=user.headers)
        assert response.status_code == 403 and response.json()["code"] == "role_required"
