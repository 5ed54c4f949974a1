"""Appeals (UA-6, R10.3): once per decision, within the window, decided by a different reviewer;
an overturn restores the content and the credit and is in the evidence log."""

import datetime as dt

from qinglang.evidence.models import EvidenceRecord
from qinglang.policy.models import Decision
from qinglang.review.models import ReviewCase
from tests.complaints.builders import decide
from tests.identity.builders import publisher, staff
from tests.review.builders import DOXXING, post, reviewer

PRIVACY = "illegal.privacy"


def _removed(client, db, runtime):  # noqa: ANN001, ANN202
    """A held doxxing post that reviewer ``ana`` removes; returns the people and the removal."""
    admin = staff(client, db, runtime, "admin")
    ana, ben = (reviewer(client, db, runtime, admin, PRIVACY, "illegal.false_information") for _ in range(2))
    author = publisher(client)
    item = post(client, author, DOXXING)
    assert item["state"] == "held"
    case = db.query(ReviewCase).filter_by(content_id=item["id"]).one()
    assert decide(client, ana, case.id, "remove", "MR-7.8")["content_state"] == "removed"
    notice = client.get("/v1/me/notices?kind=content_actioned", headers=author.headers).json()["items"][0]
    return admin, ana, ben, author, item, notice["data"]["decision_id"]


def test_an_overturned_appeal_restores_the_content_and_the_credit(client, db, runtime) -> None:
    admin, ana, ben, author, item, decision_id = _removed(client, db, runtime)
    docked = client.get("/v1/me/credit", headers=author.headers).json()
    deduction = docked["history"][0]
    assert docked["score"] < 120 and deduction["decision_id"] == decision_id and deduction["rule_id"] == "MR-7.8"

    filed = client.post("/v1/appeals", headers=author.headers,
                        json={"decision_id": decision_id, "reason": "这是我自己的信息，已获授权"})
    assert filed.status_code == 201, filed.text
    appeal = filed.json()
    assert appeal["status"] == "open" and appeal["case_id"]

    # The reviewer who removed it may not decide the appeal.
    client.post(f"/v1/review/cases/{appeal['case_id']}/claim", headers=ana.headers)
    refused = client.post(f"/v1/review/cases/{appeal['case_id']}/decision", headers=ana.headers,
                          json={"decision": "allow", "rule_id": "MR-7.8"})
    assert refused.status_code == 403 and refused.json()["code"] == "different_reviewer_required"
    client.post(f"/v1/review/cases/{appeal['case_id']}/release", headers=ana.headers)

    assert decide(client, ben, appeal["case_id"], "allow", "MR-7.8")["content_state"] == "published"
    assert client.get(f"/v1/content/{item['id']}").status_code == 200
    restored = client.get("/v1/me/credit", headers=author.headers).json()
    assert restored["score"] == 120
    assert restored["history"][0]["kind"] == "reversal" and restored["history"][0]["reverses_id"] == deduction["id"]
    mine = client.get("/v1/me/appeals", headers=author.headers).json()["items"]
    assert mine[0]["status"] == "overturned"
    tags = [r.tag for r in db.query(EvidenceRecord).filter_by(subject_type="content", subject_id=str(item["id"]))]
    assert "appeal:filed" in tags and "appeal:overturned" in tags
    assert client.get("/v1/me/notices?kind=appeal_result", headers=author.headers).json()["items"]


def test_an_upheld_appeal_keeps_the_removal_and_the_deduction(client, db, runtime) -> None:
    admin, ana, ben, author, item, decision_id = _removed(client, db, runtime)
    score = client.get("/v1/me/credit", headers=author.headers).json()["score"]
    appeal = client.post("/v1/appeals", headers=author.headers,
                         json={"decision_id": decision_id, "reason": "不服"}).json()
    assert decide(client, ben, appeal["case_id"], "remove", "MR-7.8")["content_state"] == "removed"
    assert client.get("/v1/me/appeals", headers=author.headers).json()["items"][0]["status"] == "upheld"
    assert client.get("/v1/me/credit", headers=author.headers).json()["score"] == score


def test_appeals_twice_late_or_on_others_decisions_are_refused(client, db, runtime) -> None:
    admin, ana, ben, author, item, decision_id = _removed(client, db, runtime)
    stranger = publisher(client)

    def appeal(user, **body):  # noqa: ANN001, ANN003, ANN202
        response = client.post("/v1/appeals", headers=user.headers, json={"reason": "申诉", **body})
        return response.status_code, response.json().get("code")

    assert appeal(stranger, decision_id=decision_id) == (403, "not_your_content")
    assert appeal(author, decision_id=10**9) == (404, "decision_not_found")
    assert appeal(author) == (422, "invalid_target")
    decision = db.get(Decision, decision_id)
    decided_at = decision.at
    decision.at = decided_at - dt.timedelta(days=runtime.settings.appeal_window_days + 1)
    db.commit()
    assert appeal(author, decision_id=decision_id) == (409, "appeal_window_closed")
    decision.at = decided_at
    db.commit()
    assert appeal(author, decision_id=decision_id)[0] == 201
    assert appeal(author, decision_id=decision_id) == (409, "already_appealed")


def test_an_account_decision_is_appealed_to_other_staff(client, db, runtime) -> None:
    first, second = staff(client, db, runtime, "admin"), staff(client, db, runtime, "admin")
    user = publisher(client)
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    muted = client.post(f"/v1/admin/accounts/{user.id}/mute", headers=first.headers,
                        json={"until": until, "reason": "刷屏", "rule_id": "MR-9.1"})
    assert muted.status_code == 200, muted.text
    filed = client.post("/v1/appeals", headers=user.headers,
                        json={"account_event_id": muted.json()["id"], "reason": "误判"})
    assert filed.status_code == 201, filed.text
    decision = {"decision": "overturn", "rule_id": "MR-9.3", "note": "证据不足"}
    same = client.post(f"/v1/appeals/{filed.json()['id']}/decision", headers=first.headers, json=decision)
    assert same.status_code == 403 and same.json()["code"] == "different_reviewer_required"
    other = client.post(f"/v1/appeals/{filed.json()['id']}/decision", headers=second.headers, json=decision)
    assert other.status_code == 200 and other.json()["status"] == "overturned"
    assert client.get("/v1/me", headers=user.headers).json()["muted_until"] is None
