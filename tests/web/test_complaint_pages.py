"""R13.1, R13.2, R13.5, R11.1: reporting from the report entry in the browser, the reporter
following the ticket to its result, the author appealing from the decision notice, and the
reviewer seeing the reports behind a case and the complaint queue."""

import re

from qinglang.review.models import ReviewCase
from tests.complaints.builders import BENIGN
from tests.identity.builders import publisher, staff
from tests.review.builders import post, reviewer
from tests.web.builders import post_form, sign_in

FALSE = "illegal.false_information"


def _reported(client, db, runtime):  # noqa: ANN001, ANN202
    author, reporter = publisher(client), publisher(client)
    item = post(client, author, BENIGN, title="讲座")
    sign_in(client, reporter)
    filed = post_form(
        client,
        "/reports",
        {
            "content_id": str(item["id"]),
            "category": FALSE,
            "note": "讲座已经取消了",
            "evidence_links": "https://example.org/notice\n\nhttps://example.org/photo",
        },
    )
    return author, reporter, item, filed


def test_the_report_entry_opens_a_form_that_files_a_ticket_and_shows_its_number(client, db, runtime) -> None:
    """R13.2, R13.1: every item's report entry leads to a form; filing answers with the ticket."""
    author, reporter, item, filed = _reported(client, db, runtime)
    sign_in(client, reporter)
    form = client.get(f"/rules/reporting-methods?content_id={item['id']}").text
    assert 'action="/reports"' in form and f'value="{item["id"]}"' in form and "虚假信息、谣言" in form

    assert filed.status_code == 303 and filed.headers["location"].startswith("/me/tickets/")
    page = client.get(filed.headers["location"]).text
    number = re.search(r'class="ticket-number">(JB\d{8})<', page)
    assert number and "举报已受理" in page and "https://example.org/photo" in page
    mine = client.get("/v1/me/reports", headers=reporter.headers).json()["items"]
    assert mine[0]["ticket_number"] == number.group(1) and mine[0]["status"] == "under_review"
    assert number.group(1) in client.get("/me/tickets").text


def test_a_refused_report_keeps_what_was_typed_and_says_why(client, db, runtime) -> None:
    """R13.1: a duplicate, one's own item or a missing category is refused; nothing is lost or kept."""
    author, reporter, item, _ = _reported(client, db, runtime)
    again = post_form(client, "/reports", {"content_id": str(item["id"]), "category": FALSE, "note": "再报一次"})
    assert again.status_code == 409 and "你已经举报过这条内容" in again.text and ">再报一次</textarea>" in again.text

    no_category = post_form(client, "/reports", {"content_id": str(item["id"]), "category": "", "note": "没选类别"})
    assert no_category.status_code == 422 and ">没选类别</textarea>" in no_category.text

    sign_in(client, author)
    own = post_form(client, "/reports", {"content_id": str(item["id"]), "category": FALSE, "note": "自己的"})
    assert own.status_code == 422 and "不能举报自己的内容" in own.text
    assert client.get("/v1/me/reports", headers=author.headers).json()["items"] == []

    client.cookies.clear()
    anonymous = client.get(f"/rules/reporting-methods?content_id={item['id']}").text
    assert 'action="/reports"' not in anonymous and "登录后即可在线举报" in anonymous


def test_the_reviewer_sees_the_reports_the_reporter_the_result_and_the_author_appeals(client, db, runtime) -> None:
    """R11.1, R13.5: related reports on the case and in the complaint queue; the result reaches
    the reporter; the author appeals from the notice and another reviewer restores the item."""
    author, reporter, item, _ = _reported(client, db, runtime)
    admin = staff(client, db, runtime, "admin")
    ana, ben = (reviewer(client, db, runtime, admin, FALSE) for _ in range(2))
    case = db.query(ReviewCase).filter_by(content_id=item["id"], stage="complaint").one()

    sign_in(client, ana)
    queue = client.get("/review/complaints").text
    assert f'href="/review/cases/{case.id}"' in queue
    page = client.get(f"/review/cases/{case.id}").text
    assert "用户举报" in page and "讲座已经取消了" in page and "https://example.org/notice" in page
    assert re.search(r"<strong>1</strong> 位举报人", page)
    removed = post_form(client, f"/review/cases/{case.id}/decide", {"decision": "remove", "rule_id": "MR-7.6"})
    assert removed.status_code == 303 and "state=removed" in removed.headers["location"]

    sign_in(client, reporter)
    tickets = client.get("/me/tickets").text
    assert "举报属实" in tickets and "已删除" in tickets and "已反馈结果" in tickets

    sign_in(client, author)
    me = client.get("/me").text
    link = re.search(r'href="(/me/appeals\?decision_id=(\d+))#reason"', me)
    assert link, "the removal notice offers an appeal"
    form = client.get(link.group(1)).text
    assert f'value="{link.group(2)}"' in form
    empty = post_form(client, "/me/appeals", {"decision_id": link.group(2), "reason": "  "})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.text
    filed = post_form(client, "/me/appeals", {"decision_id": link.group(2), "reason": "讲座没有取消，见官网"})
    assert filed.status_code == 303
    appeals = client.get("/me/appeals").text
    assert "讲座没有取消，见官网" in appeals and "复核中" in appeals
    again = post_form(client, "/me/appeals", {"decision_id": link.group(2), "reason": "再次申诉"})
    assert again.status_code == 409 and "已经申诉过" in again.text and ">再次申诉</textarea>" in again.text

    appeal_case = db.query(ReviewCase).filter_by(content_id=item["id"], stage="appeal").one()
    sign_in(client, ana)
    refused = post_form(client, f"/review/cases/{appeal_case.id}/decide", {"decision": "allow", "rule_id": "MR-7.6"})
    assert refused.status_code == 403 and "另一位审核员" in refused.text
    sign_in(client, ben)
    assert "讲座没有取消，见官网" in client.get(f"/review/cases/{appeal_case.id}").text
    restored = post_form(client, f"/review/cases/{appeal_case.id}/decide", {"decision": "allow", "rule_id": "MR-7.6"})
    assert restored.status_code == 303 and "state=published" in restored.headers["location"]
    sign_in(client, author)
    assert "已撤销原处置" in client.get("/me/appeals").text
    assert client.get(f"/v1/content/{item['id']}").status_code == 200
