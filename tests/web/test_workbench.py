"""R11.1: the reviewer workbench in the browser: the queue, evidence marked in the text, one-click
decisions citing a rule, dual-review hand-off; the author is told (R13.5), the authority sees the
report (R14.4, R4.1)."""

import re

from qinglang.authority import memberships
from qinglang.authority import service as authority_service
from qinglang.authority.models import AuthorityReport
from qinglang.identity import service as identity_service
from qinglang.review.models import ReviewCase
from tests.identity.builders import publisher, staff
from tests.review.builders import DOXXING, post, reviewer
from tests.web.builders import post_form, sign_in

PRIVACY = "illegal.privacy"


def _held_case(client, db):  # noqa: ANN001, ANN202
    author = publisher(client)
    item = post(client, author, DOXXING)
    assert item["state"] == "held"
    return author, item, db.query(ReviewCase).filter_by(content_id=item["id"]).one()


def test_a_reviewer_removes_a_held_post_in_one_click_and_everyone_sees_the_result(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    author, item, case = _held_case(client, db)
    ana = reviewer(client, db, runtime, admin, *case.categories)

    sign_in(client, ana)
    queue = client.get("/review").text
    assert f'href="/review/cases/{case.id}"' in queue
    page = client.get(f"/review/cases/{case.id}").text
    marks = re.findall(r'<mark class="evidence[^>]*>([^<]*)</mark>', page)
    assert "13800138000" in marks and author.handle in page
    assert 'aria-keyshortcuts="r"' in page and '<option value="MR-7.8"' in page

    done = post_form(
        client,
        f"/review/cases/{case.id}/decide",
        {"decision": "remove", "rule_id": "MR-7.8", "note": "证件号和手机号", "labels": ""},
    )
    assert done.status_code == 303 and "done=review.decided" in done.headers["location"]
    assert "state=removed" in done.headers["location"]
    assert client.get(f"/v1/content/{item['id']}").status_code == 404

    sign_in(client, author)
    mine = client.get("/me").text
    assert "你的帖子已被删除" in mine and "MR-7.8" in mine

    official = staff(client, db, runtime, "admin")
    sign_in(client, official)
    inbox = client.get("/authority").text
    assert PRIVACY in inbox
    report_id = re.search(r'href="/authority/reports/(\d+)"', inbox).group(1)
    detail = client.get(f"/authority/reports/{report_id}").text
    assert "110105194912310021" in detail  # the content as reported
    # Receipt is acknowledged by an official of the department the report went to.
    department = db.get(AuthorityReport, int(report_id)).department_id
    officer = staff(client, db, runtime, "authority")
    memberships.add_member(
        db,
        department_id=department,
        account_id=officer.id,
        actor=identity_service.get(db, official.id),
        routing=authority_service.routing_in_force(),
    )
    db.commit()
    sign_in(client, officer)
    assert f"/authority/reports/{report_id}" in client.get(f"/authority?department={department}").text
    acknowledged = post_form(client, f"/authority/reports/{report_id}/acknowledge", {"note": "已收到"})
    assert acknowledged.status_code == 303
    assert "acknowledged" in client.get(f"/authority/reports/{report_id}").text


def test_a_decision_without_a_known_rule_keeps_the_note_and_changes_nothing(client, db, runtime) -> None:
    """R3.1: no decision without a published rule."""
    admin = staff(client, db, runtime, "admin")
    _, item, case = _held_case(client, db)
    ana = reviewer(client, db, runtime, admin, *case.categories)
    sign_in(client, ana)
    refused = post_form(
        client,
        f"/review/cases/{case.id}/decide",
        {"decision": "remove", "rule_id": "XX-1", "note": "我的备注", "labels": ""},
    )
    assert refused.status_code == 422 and "unknown_rule" in refused.text and ">我的备注</textarea>" in refused.text
    db.refresh(case)
    assert case.status == "open" and case.claimed_by is None


def test_dual_review_hands_the_case_to_a_second_reviewer(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    _, item, case = _held_case(client, db)
    first = reviewer(client, db, runtime, admin, *case.categories)
    second = reviewer(client, db, runtime, admin, *case.categories)
    case.required_reviews = 2
    db.commit()

    sign_in(client, first)
    handed = post_form(
        client, f"/review/cases/{case.id}/decide", {"decision": "remove", "rule_id": "MR-7.8", "note": "", "labels": ""}
    )
    assert "done=review.handed_off" in handed.headers["location"]
    assert f'href="/review/cases/{case.id}"' not in client.get("/review").text  # not twice by the same person

    sign_in(client, second)
    page = client.get(f"/review/cases/{case.id}").text
    assert "双人复核 1/2" in page
    final = post_form(
        client, f"/review/cases/{case.id}/decide", {"decision": "remove", "rule_id": "MR-7.8", "note": "", "labels": ""}
    )
    assert "done=review.decided" in final.headers["location"]
    assert client.get(f"/v1/content/{item['id']}").status_code == 404
