"""R14.4, R4.1: prohibited information found in review is reported to the competent department
in the same transaction, routed by category and the author's district, and the department's
official sees it in their inbox."""

from qinglang.authority.models import AuthorityReport
from tests.identity.builders import accept_agreement, id_number, register, staff, verify
from tests.review.builders import DOXXING, DOXXING_CATEGORIES, TERROR, post, reviewer


def _author_from(client, region: str):  # noqa: ANN001, ANN202
    user = register(client)
    verify(client, user, number=id_number(region=region))
    accept_agreement(client, user)
    return user


def test_a_blocked_terror_post_is_reported_to_public_security_and_the_cyberspace_office(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    official = staff(client, db, runtime, "authority")
    # The author lives in district 310101, which has its own public security office.
    client.post("/v1/authority/departments/police-310101/members", headers=admin.headers,
                json={"account_id": official.id})
    author = _author_from(client, "310101")
    item = post(client, author, TERROR)
    assert item["state"] == "blocked"

    reports = db.query(AuthorityReport).filter_by(content_id=item["id"]).all()
    departments = {r.department_id for r in reports}
    assert departments == {"police-310101", "cyberspace-310101"}
    assert all(r.category == "illegal.terrorism" and r.evidence_ref.startswith("evidence:") for r in reports)

    inbox = client.get("/v1/authority/reports", headers=official.headers).json()["items"]
    assert [r["content_id"] for r in inbox] == [item["id"]]


def test_a_reviewers_removal_of_doxxing_is_reported(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    ana = reviewer(client, db, runtime, admin, *DOXXING_CATEGORIES)
    author = _author_from(client, "310115")
    item = post(client, author, DOXXING)
    from qinglang.review.models import ReviewCase

    case = db.query(ReviewCase).filter_by(content_id=item["id"]).one()
    assert db.query(AuthorityReport).filter_by(content_id=item["id"]).count() == 0  # held, not yet found
    client.post(f"/v1/review/cases/{case.id}/claim", headers=ana.headers)
    client.post(f"/v1/review/cases/{case.id}/decision", headers=ana.headers,
                json={"decision": "remove", "rule_id": "MR-7.8"})
    reports = db.query(AuthorityReport).filter_by(content_id=item["id"]).all()
    assert reports and {r.category for r in reports} == {"illegal.privacy"}
    assert all(r.rule_id == "MR-7.8" for r in reports)
