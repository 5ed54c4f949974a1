"""R13.1-R13.5, R15.2: reports are accepted at once with a ticket, aggregate into one review
case, never take content down by themselves, and come back to the reporter with the outcome."""

import datetime as dt

from qinglang.complaints.models import ComplaintTicket
from qinglang.credit.models import CreditEvent
from qinglang.review.models import ReviewCase
from tests.complaints.builders import BENIGN, decide, history, report
from tests.identity.builders import publisher, register, staff
from tests.review.builders import post, reviewer

FALSE = "illegal.false_information"


def test_a_report_is_accepted_at_once_with_a_ticket_number_and_opens_post_review(client, db, runtime) -> None:
    """R13.4: the answer is the accepted ticket; R9.5: the item goes to a (non-blocking) case."""
    author, reporter = publisher(client), publisher(client)
    item = post(client, author, BENIGN)
    ticket = report(client, reporter, item["id"], note="编造的活动")
    assert ticket["ticket_number"].startswith("JB") and ticket["status"] == "under_review"
    assert ticket["received_at"] and ticket["accepted_at"] and ticket["under_review_at"]
    assert ticket["accept_due_at"] < ticket["dispose_due_at"]
    case = db.get(ReviewCase, ticket["case_id"])
    assert (case.stage, case.blocking, case.categories) == ("complaint", False, [FALSE])
    assert client.get(f"/v1/content/{item['id']}").status_code == 200  # still up until a human decides
    mine = client.get("/v1/me/reports", headers=reporter.headers).json()["items"]
    assert [t["id"] for t in mine] == [ticket["id"]]
    # The published reporting methods name the same time limits as the settings (R13.3).
    methods = client.get("/v1/rules/reporting-methods").json()
    assert "24 小时内受理" in str(methods) and "7 日内处置" in str(methods)
    settings = runtime.settings
    assert (settings.complaint_accept_hours, settings.complaint_dispose_hours) == (24, 7 * 24)
    assert settings.complaint_severe_dispose_hours == 24


def test_bad_reports_are_refused_with_clear_codes_and_nothing_written(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    ana = reviewer(client, db, runtime, admin, FALSE)
    author, reporter = publisher(client), publisher(client)
    item = post(client, author, BENIGN)
    before = db.query(ComplaintTicket).count()

    def refused(body: dict, user=reporter) -> tuple[int, str]:  # noqa: ANN001
        response = client.post("/v1/reports", headers=user.headers, json=body)
        return response.status_code, response.json()["code"]

    assert refused({"content_id": item["id"], "category": "illegal.fake"}) == (422, "unknown_category")
    assert refused({"content_id": 10**9, "category": FALSE}) == (404, "content_not_found")
    assert refused({"content_id": item["id"], "category": FALSE}, author) == (422, "cannot_report_self")
    assert refused({"category": FALSE}) == (422, "invalid_target")
    assert refused({"content_id": item["id"], "category": FALSE, "evidence_links": ["not a url"]})[0] == 422
    assert db.query(ComplaintTicket).count() == before

    first = report(client, reporter, item["id"])
    assert refused({"content_id": item["id"], "category": "illegal.privacy"}) == (409, "duplicate_report")
    decide(client, ana, first["case_id"], "remove", "MR-7.6")
    late = publisher(client)
    assert refused({"content_id": item["id"], "category": FALSE}, late) == (404, "content_not_found")
    assert db.query(ComplaintTicket).count() == before + 1


def test_a_brigade_of_new_accounts_cannot_take_content_down(client, db, runtime) -> None:
    """Twelve fresh accounts report one harmless post: it stays up, the reports make one case
    whose weight is small, a trusted reporter's single report is reviewed first, and when the
    reviewer keeps the post every brigader hears the outcome (R13.5) and loses accuracy."""
    admin = staff(client, db, runtime, "admin")
    ana = reviewer(client, db, runtime, admin, FALSE)
    author = publisher(client)
    target = post(client, author, BENIGN)
    brigade = [register(client) for _ in range(12)]  # signed in, identity not verified
    tickets = [report(client, member, target["id"]) for member in brigade]
    assert len({t["case_id"] for t in tickets}) == 1
    assert client.get(f"/v1/content/{target['id']}").json()["state"] == "published"

    trusted = publisher(client)
    history(db, trusted.id, target["id"], upheld=9, not_upheld=1)
    other = post(client, publisher(client), "小区门口新开了一家面包店，周末打八折。")
    trusted_ticket = report(client, trusted, other["id"])

    queue = client.get("/v1/complaints/queue", headers=ana.headers).json()["items"]
    by_case = {entry["case_id"]: entry for entry in queue}
    brigade_entry, trusted_entry = by_case[tickets[0]["case_id"]], by_case[trusted_ticket["case_id"]]
    assert brigade_entry["reporters"] == 12 and not brigade_entry["priority"]
    assert trusted_entry["priority"] and trusted_entry["reporters"] == 1
    order = [entry["case_id"] for entry in queue]
    assert order.index(trusted_entry["case_id"]) < order.index(brigade_entry["case_id"])
    # The reviewers' own queue puts the trusted report first too.
    workbench = [case["id"] for case in client.get("/v1/review/queue", headers=ana.headers).json()["items"]]
    assert workbench.index(trusted_entry["case_id"]) < workbench.index(brigade_entry["case_id"])
    assert brigade_entry["weight"] < 12 * 0.5  # unverified accounts count half

    result = decide(client, ana, tickets[0]["case_id"], "allow", "MR-7.6")
    assert result["content_state"] == "published"
    for member, ticket in zip(brigade, tickets, strict=True):
        mine = client.get(f"/v1/me/reports/{ticket['id']}", headers=member.headers).json()
        assert (mine["status"], mine["outcome"]) == ("result_sent", "not_upheld")
        assert mine["disposed_at"] and mine["result_sent_at"]
        notices = client.get("/v1/me/notices?kind=report_result", headers=member.headers).json()["items"]
        assert notices and notices[0]["data"]["ticket_id"] == ticket["id"]
    again = post(client, author, "周末社区还有义诊活动。")
    assert report(client, brigade[0], again["id"])["case_id"]
    weights = [t.weight for t in db.query(ComplaintTicket).filter_by(reporter_id=brigade[0].id).order_by("id")]
    assert weights[1] < weights[0]


def test_an_upheld_report_removes_the_item_rewards_the_reporter_and_costs_the_author(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    ana = reviewer(client, db, runtime, admin, FALSE)
    author, reporter = publisher(client), publisher(client)
    item = post(client, author, "据内部消息，明天全市停水停电三天，赶紧囤货！")
    ticket = report(client, reporter, item["id"])
    result = decide(client, ana, ticket["case_id"], "remove", "MR-7.6")
    assert result["content_state"] == "removed"
    assert client.get(f"/v1/me/reports/{ticket['id']}", headers=reporter.headers).json()["outcome"] == "upheld"
    reporter_credit = client.get("/v1/me/credit", headers=reporter.headers).json()
    assert reporter_credit["score"] == 121 and reporter_credit["history"][0]["kind"] == "report_bonus"
    author_credit = client.get("/v1/me/credit", headers=author.headers).json()
    deduction = author_credit["history"][0]
    assert (deduction["kind"], deduction["rule_id"], deduction["content_id"]) == ("deduction", "MR-7.6", item["id"])
    assert deduction["decision_id"] and author_credit["score"] == 120 + deduction["points"]
    actioned = client.get("/v1/me/notices?kind=content_actioned", headers=author.headers).json()["items"]
    assert actioned and "MR-7.6" in actioned[0]["body"]


def test_repeated_groundless_reports_cost_the_reporter_credit(client, db, runtime) -> None:
    """R15.2 / RM-4: a reporter whose reports keep being rejected loses credit, once a window."""
    admin = staff(client, db, runtime, "admin")
    ana = reviewer(client, db, runtime, admin, FALSE)
    author, reporter = publisher(client), publisher(client)
    item = post(client, author, BENIGN)
    history(db, reporter.id, item["id"], upheld=0, not_upheld=5)
    ticket = report(client, reporter, item["id"])
    decide(client, ana, ticket["case_id"], "allow", "MR-7.6")
    penalties = db.query(CreditEvent).filter_by(account_id=reporter.id, kind="malicious_reports").all()
    assert len(penalties) == 1 and penalties[0].points < 0 and penalties[0].rule_id == "RM-4"
    assert client.get("/v1/me/credit", headers=reporter.headers).json()["score"] == 120 + penalties[0].points


def test_overdue_reports_escalate_to_the_head_of_the_review_queue(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    ana = reviewer(client, db, runtime, admin, FALSE)
    author, reporter = publisher(client), publisher(client)
    ticket = report(client, reporter, post(client, author, BENIGN)["id"])
    row = db.get(ComplaintTicket, ticket["id"])
    row.dispose_due_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.commit()
    assert client.post("/v1/complaints/escalations", headers=ana.headers).json()["escalated"] >= 1
    assert client.get(f"/v1/me/reports/{ticket['id']}", headers=reporter.headers).json()["escalated_at"]
    queue = client.get("/v1/review/queue", headers=ana.headers).json()["items"]
    assert queue[0]["overdue"] and ticket["case_id"] in [c["id"] for c in queue if c["overdue"]]
    assert client.get("/v1/complaints/queue", headers=ana.headers).json()["items"][0]["overdue"]


def test_a_report_on_an_account_is_decided_by_staff_and_fed_back(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    reporter, target = publisher(client), publisher(client)
    response = client.post("/v1/reports", headers=reporter.headers,
                           json={"account_id": target.id, "category": "illegal.insult_slander"})
    assert response.status_code == 201 and response.json()["case_id"] is None
    ticket = response.json()
    decided = client.post(f"/v1/complaints/tickets/{ticket['id']}/outcome", headers=admin.headers,
                          json={"decision": "uphold", "rule_id": "MR-7.7", "note": "辱骂他人"})
    assert decided.status_code == 200 and decided.json()["outcome"] == "upheld"
    again = client.post(f"/v1/complaints/tickets/{ticket['id']}/outcome", headers=admin.headers,
                        json={"decision": "uphold", "rule_id": "MR-7.7"})
    assert again.status_code == 409 and again.json()["code"] == "ticket_disposed"
    assert client.get("/v1/me/notices?kind=report_result", headers=reporter.headers).json()["items"]
