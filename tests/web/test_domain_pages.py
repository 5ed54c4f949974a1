"""R5.1, R9.7, R10.3, R12.1, R12.2, R12.3, R13.4, R4.2: debunk pages and the bank, credit, the
hot list and search, the home feed with interest tags and the switch, manual interventions, and
the complaint figures on the supervision and compliance pages."""

import datetime as dt
import re

from qinglang.feed import service as feed_service
from qinglang.review.models import ReviewCase
from tests.complaints.builders import BENIGN, report
from tests.identity.builders import publisher, staff
from tests.review.builders import post, reviewer
from tests.rumors.builders import DEBUNK, RUMOUR, SPREAD, add_claim
from tests.web.builders import post_form, sign_in


def test_debunks_are_public_and_a_false_information_label_leads_to_its_debunk(client, db, runtime) -> None:
    """R5.1: a public page per debunk; the label on a post links to the debunk it was ruled on."""
    claim = add_claim(client, staff(client, db, runtime, "reviewer"))
    item = post(client, publisher(client), SPREAD)
    assert item["state"] == "limited"
    listing = client.get("/debunks").text
    assert f'href="/debunks/{claim["id"]}"' in listing and RUMOUR in listing
    assert DEBUNK in client.get(f"/debunks/{claim['id']}").text
    home = client.get("/").text
    assert f'href="/debunks?content_id={item["id"]}"' in home
    followed = client.get(f"/debunks?content_id={item['id']}", follow_redirects=False)
    assert followed.status_code == 303 and followed.headers["location"] == f"/debunks/{claim['id']}"
    checker = staff(client, db, runtime, "reviewer")
    unverified = add_claim(client, checker, text="某地明天停水一整天的说法", verdict="true")
    assert client.get(f"/debunks/{unverified['id']}").status_code == 404


def test_staff_confirm_a_suggested_match_from_the_bank(client, db, runtime) -> None:
    """R9.7: a weaker match waits in the bank's list; confirming limits and labels the item."""
    admin = staff(client, db, runtime, "admin")
    add_claim(client, admin)
    item = post(client, publisher(client), "成都青白江区10月底要开展核酸检测了吗")
    assert item["labels"] == ["disputed"]
    checker = reviewer(client, db, runtime, admin, "illegal.false_information")
    sign_in(client, checker)
    bank = client.get("/staff/debunks").text
    case = db.query(ReviewCase).filter_by(content_id=item["id"]).one()
    assert f'id="suggestion-{case.id}"' in bank and RUMOUR in bank
    confirmed = post_form(client, f"/staff/debunks/suggestions/{case.id}", {"decision": "confirm"})
    assert confirmed.status_code == 303
    after = client.get(f"/v1/content/{item['id']}").json()
    assert after["state"] == "limited" and "false_information" in after["labels"]
    assert f'id="suggestion-{case.id}"' not in client.get("/staff/debunks").text

    refused = post_form(client, "/staff/debunks", {"text": "短", "verdict": "false", "debunk": "", "sources": ""})
    assert refused.status_code == 422 and 'id="debunk-error"' in refused.text and ">短</textarea>" in refused.text


def test_my_credit_shows_score_tier_meanings_and_history_and_admins_adjust(client, db, runtime) -> None:
    """R10.3: the score, the tier and what every tier means, and the history with reasons."""
    user = publisher(client)
    admin = staff(client, db, runtime, "admin")
    sign_in(client, admin)
    look = client.get("/staff/credit", params={"handle": user.handle}).text
    assert "调整信用分" in look
    empty = post_form(client, f"/staff/credit/{user.id}/adjust", {"points": "-10", "reason": ""})
    assert empty.status_code == 422 and 'value="-10"' in empty.text
    done = post_form(client, f"/staff/credit/{user.id}/adjust", {"points": "-10", "reason": "多次发布广告"})
    assert done.status_code == 303

    sign_in(client, user)
    page = client.get("/me/credit").text
    assert re.search(r'class="score-value">110<', page)
    assert "多次发布广告" in page and "人工调整" in page and "-10" in page
    assert page.count("<tr") >= 1 + 5 + 1 + 1  # tier table with every tier, and the history

    checker = staff(client, db, runtime, "reviewer")
    sign_in(client, checker)
    assert "调整信用分" not in client.get("/staff/credit", params={"handle": user.handle}).text
    assert post_form(client, f"/staff/credit/{user.id}/adjust", {"points": "5", "reason": "x"}).status_code == 403


def test_hot_list_search_feed_interests_and_the_personalisation_switch(client, db, runtime) -> None:
    """R12.1, R12.3: the hot list and search for anyone; interest tags seen and deleted; the switch."""
    author, reader = publisher(client), publisher(client)
    item = post(client, author, BENIGN, title="城市历史讲座")
    assert client.get("/hot").status_code == 200
    found = client.get("/search", params={"q": "城市历史"}).text
    assert f'id="post-{item["id"]}"' in found
    assert "没有找到" in client.get("/search", params={"q": "完全不相干的词语组合"}).text

    feed_service.learn(db, reader.id, ["讲座"], "share")
    db.commit()
    sign_in(client, reader)
    page = client.get("/me/feed").text
    assert "讲座" in page and "关闭个性化推荐" in page
    off = post_form(client, "/me/feed/preferences", {"personalised": "off"})
    assert off.status_code == 303
    assert client.get("/v1/me/feed/preferences", headers=reader.headers).json() == {"personalised": False}
    assert "开启个性化推荐" in client.get("/me/feed").text
    post_form(client, "/me/interests/forget", {"tag": "讲座"})
    assert client.get("/v1/me/interests", headers=reader.headers).json()["items"] == []


def test_staff_pin_with_an_expiry_list_and_revoke(client, db, runtime) -> None:
    """R12.2: an intervention has a reason and an expiry, is listed, and can be revoked."""
    item = post(client, publisher(client), BENIGN)
    sign_in(client, staff(client, db, runtime, "reviewer"))
    past = post_form(
        client,
        "/staff/interventions",
        {
            "content_id": str(item["id"]),
            "surface": "hot",
            "action": "pin",
            "weight": "1",
            "expires_at": "2020-01-01T10:00",
            "reason": "重要通知",
        },
    )
    assert past.status_code == 422 and ">重要通知</textarea>" in past.text
    later = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    made = post_form(
        client,
        "/staff/interventions",
        {
            "content_id": str(item["id"]),
            "surface": "hot",
            "action": "pin",
            "weight": "1",
            "expires_at": later,
            "reason": "重要通知",
        },
    )
    assert made.status_code == 303
    listed = client.get("/staff/interventions").text
    found = re.search(r'id="intervention-(\d+)"', listed)
    assert found and "重要通知" in listed
    assert client.get("/hot").text.index(f'id="post-{item["id"]}"') > 0
    revoked = post_form(client, f"/staff/interventions/{found.group(1)}/revoke", {"reason": "通知已过时"})
    assert revoked.status_code == 303
    assert 'id="intervention-' not in client.get("/staff/interventions").text
    assert "通知已过时" in client.get("/staff/interventions?all=true").text


def test_complaint_handling_shows_on_supervision_and_compliance(client, db, runtime) -> None:
    """R4.2, R13.4: complaints disposed within the deadline, on the charts and in the report."""
    item = post(client, publisher(client), BENIGN)
    report(client, publisher(client), item["id"])
    official = staff(client, db, runtime, "authority")
    sign_in(client, official)
    page = client.get("/authority/supervision").text
    assert 'id="complaints-sla"' in page and "虚假信息、谣言" in page
    compliance = client.get("/compliance").text
    for requirement in ("R5.1", "R9.7", "R10.3", "R12.2", "R12.3", "R13.1", "R13.4", "R13.5", "R15.2"):
        row = re.search(rf'<tr id="{re.escape(requirement)}">.*?</tr>', compliance, re.S)
        assert row and "尚无实时数据" not in row.group(0), requirement
    assert "受理举报 1 件" in compliance
