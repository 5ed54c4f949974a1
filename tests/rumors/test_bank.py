"""R9.7, R5.1: the debunk bank, its public pages and feed, and ClaimReview / CSV interchange."""

from __future__ import annotations

from tests.identity.builders import publisher, staff
from tests.rumors.builders import DEBUNK, RUMOUR, add_claim


def test_staff_add_a_debunk_and_anyone_can_read_it(client, db, runtime) -> None:
    reviewer = staff(client, db, runtime, "reviewer")
    claim = add_claim(client, reviewer)
    page = client.get(f"/v1/debunks/{claim['id']}")
    assert page.status_code == 200
    assert (page.json()["text"], page.json()["debunk"], page.json()["verdict"]) == (RUMOUR, DEBUNK, "false")
    assert claim["id"] in [c["id"] for c in client.get("/v1/debunks").json()["items"]]
    feed = client.get("/v1/debunks/claimreview.jsonld").json()
    review = next(e for e in feed["dataFeedElement"] if e["claimReviewed"] == RUMOUR)
    assert review["@type"] == "ClaimReview" and review["reviewRating"]["alternateName"] == "False"


def test_only_debunks_are_public_and_only_staff_add_claims(client, db, runtime) -> None:
    reviewer = staff(client, db, runtime, "reviewer")
    true_claim = add_claim(client, reviewer, text="北京地铁末班车时间延长到二十三点", verdict="true")
    assert client.get(f"/v1/debunks/{true_claim['id']}").status_code == 404
    user = publisher(client)
    refused = client.post("/v1/rumors/claims", headers=user.headers,
                          json={"text": RUMOUR, "verdict": "false", "debunk": DEBUNK})
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    short = client.post("/v1/rumors/claims", headers=reviewer.headers,
                        json={"text": "谣言", "verdict": "false", "debunk": DEBUNK})
    assert short.status_code == 422 and short.json()["code"] == "claim_too_short"


def test_claimreview_import_updates_by_url_and_exports_as_csv(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    review = {
        "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://factcheck.example/1",
        "claimReviewed": "喝高度白酒可以预防新冠病毒感染", "reviewBody": "酒精不能在体内杀灭病毒。",
        "author": {"@type": "Organization", "name": "较真"}, "datePublished": "2020-02-01",
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1},
    }
    first = client.post("/v1/rumors/claims/import", headers=admin.headers,
                        json={"format": "claimreview", "document": {"@graph": [review]}})
    assert first.json() == {"created": 1, "updated": 0}
    again = client.post("/v1/rumors/claims/import", headers=admin.headers,
                        json={"format": "claimreview", "document": [dict(review, reviewBody="更新后的说明。")]})
    assert again.json() == {"created": 0, "updated": 1}
    exported = client.get("/v1/rumors/claims", headers=admin.headers, params={"format": "csv"}).text
    line = next(row for row in exported.splitlines() if "喝高度白酒" in row)
    assert "更新后的说明" in line and ",false," in line and "较真" in line and "2020-02-01" in line

    csv_text = "text,verdict,debunk\n吃大蒜能够杀死新冠病毒,谣言,大蒜没有这种作用。\n"
    imported = client.post("/v1/rumors/claims/import", headers=admin.headers,
                           json={"format": "csv", "document": csv_text})
    assert imported.json() == {"created": 1, "updated": 0}
    bad = client.post("/v1/rumors/claims/import", headers=admin.headers,
                      json={"format": "csv", "document": "claim\nx\n"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_csv"


def test_staff_see_which_claims_a_text_says(client, db, runtime) -> None:
    reviewer = staff(client, db, runtime, "reviewer")
    claim = add_claim(client, reviewer)
    answer = client.post("/v1/rumors/match", headers=reviewer.headers,
                         json={"text": "成 都 青 白 江 區 10月底開展全員核酸檢測"}).json()
    assert answer["matches"][0]["claim_id"] == claim["id"] and answer["matches"][0]["band"] == "high"
    unrelated = client.post("/v1/rumors/match", headers=reviewer.headers,
                            json={"text": "社区图书馆周六上午有亲子阅读活动，欢迎参加。"}).json()
    assert unrelated["matches"] == []
