"""R10.3: services depend on the account's credit. Each tier changes what the user can do; the
user sees score, tier, what tiers mean and the history with reasons; staff adjust with a reason."""

from qinglang.content.models import ContentItem
from qinglang.evidence.models import EvidenceRecord
from tests.identity.builders import publisher, staff
from tests.review.builders import post

# The shipped tiers with a danmaku limit small enough to reach in a test.
TIERS = """
start: 120
max_score: 130
recovery_points_per_week: 1
upheld_report_bonus: 1
upheld_report_bonus_per_30_days: 5
malicious_report_penalty: 5
deductions: {illegal.privacy: 8}
severity_factors: {low: 0.5, normal: 1, high: 1.5, severe: 2}
tiers:
  - {name: standard, min_score: 100, title: 正常, meaning: Full service.}
  - {name: watched, min_score: 80, title: 关注, meaning: Limits., rate_limits: {danmaku: {count: 2, minutes: 60}}}
  - {name: restricted, min_score: 60, title: 限制, meaning: No recommendation., recommendation: false}
  - {name: probation, min_score: 40, title: 考察, meaning: Pre-review., pre_review: true}
  - {name: muted, min_score: 0, title: 禁言, meaning: Muted., muted: true}
"""


def _adjust(client, admin, user, points: int) -> dict:  # noqa: ANN001
    response = client.post(f"/v1/admin/credit/{user.id}/adjustments", headers=admin.headers,
                           json={"points": points, "reason": "测试信用等级"})
    assert response.status_code == 201, response.text
    return response.json()


def _danmaku(client, user):  # noqa: ANN001, ANN202
    return client.post("/v1/videos/BV1tiers/danmaku", headers=user.headers, json={"offset_ms": 1000, "body": "前排"})


def test_each_tier_changes_what_the_user_can_do(client, db, runtime, tmp_path) -> None:
    path = tmp_path / "tiers.yaml"
    path.write_text(TIERS, encoding="utf-8")
    runtime.settings = runtime.settings.model_copy(update={"credit_policy_path": str(path)})
    admin, user = staff(client, db, runtime, "admin"), publisher(client)
    body = "周末去爬山，山顶的风景很美。"

    standard = post(client, user, body)  # full service
    assert standard["state"] == "published" and db.get(ContentItem, standard["id"]).recommendation == "neutral"
    assert all(_danmaku(client, user).status_code == 201 for _ in range(3))

    assert _adjust(client, admin, user, -25)["tier"]["name"] == "watched"  # rate limits
    limited = _danmaku(client, user)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert limited.json()["detail"]["retry_after_seconds"] > 0
    assert post(client, user, body)["state"] == "published"

    assert _adjust(client, admin, user, -20)["tier"]["name"] == "restricted"  # not recommended
    restricted = post(client, user, body)
    assert restricted["state"] == "published"
    assert db.get(ContentItem, restricted["id"]).recommendation == "resist"

    assert _adjust(client, admin, user, -20)["tier"]["name"] == "probation"  # human pre-review
    assert post(client, user, body)["state"] == "held"

    assert _adjust(client, admin, user, -20)["tier"]["name"] == "muted"
    refused = client.post("/v1/posts", headers=user.headers, json={"body": body})
    assert refused.status_code == 403 and refused.json()["code"] == "credit_muted"


def test_users_see_score_tier_meanings_and_history_and_staff_adjustments_are_recorded(client, db, runtime) -> None:
    admin, user = staff(client, db, runtime, "admin"), publisher(client)
    fresh = client.get("/v1/me/credit", headers=user.headers).json()
    assert (fresh["score"], fresh["tier"]["name"], fresh["history"]) == (120, "standard", [])
    assert [t["name"] for t in fresh["tiers"]] == ["standard", "watched", "restricted", "probation", "muted"]
    assert all(t["meaning"] for t in fresh["tiers"])
    assert client.get("/v1/credit/tiers").json()["start"] == 120  # published without signing in

    _adjust(client, admin, user, -7)
    mine = client.get("/v1/me/credit", headers=user.headers).json()
    assert mine["score"] == 113 and mine["history"][0]["reason"] == "测试信用等级"
    assert client.get(f"/v1/credit/accounts/{user.id}", headers=admin.headers).json()["score"] == 113
    assert db.query(EvidenceRecord).filter_by(tag="credit:adjusted", subject_id=str(user.id)).count() == 1
    own = client.post(f"/v1/admin/credit/{admin.id}/adjustments", headers=admin.headers,
                      json={"points": 5, "reason": "自己加分"})
    assert own.status_code == 403 and own.json()["code"] == "own_credit"


def test_the_shipped_restricted_tier_limits_posts_per_day(client, db, runtime) -> None:
    admin, user = staff(client, db, runtime, "admin"), publisher(client)
    _adjust(client, admin, user, -50)
    for n in range(5):
        assert post(client, user, f"第{n}条：今天天气不错。")["state"] == "published"
    refused = client.post("/v1/posts", headers=user.headers, json={"body": "第六条"})
    assert refused.status_code == 429 and refused.json()["detail"]["tier"] == "restricted"
