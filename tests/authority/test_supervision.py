"""R4.2: supervision figures: volumes by category, department and day; timings; statuses."""

import datetime as dt

from qinglang.authority import service
from qinglang.authority.models import ReportStatus
from qinglang.content import service as content_service
from qinglang.identity import service as identity_service
from tests.authority.builders import author, file, official, post
from tests.identity.builders import staff

UTC = dt.UTC


def _item_created_at(client, db, when: dt.datetime) -> int:  # noqa: ANN001
    item_id = post(client, author(client))
    content_service.get(db, item_id).created_at = when
    db.flush()
    return item_id


def test_figures_count_by_category_department_local_day_and_status(
    client, db, runtime, authority_config
) -> None:
    """R4.2: the figures an authority supervises the platform with, days in China Standard Time."""
    admin = staff(client, db, runtime, "admin")
    police = official(client, db, runtime, admin, "police-310115")
    a = dt.datetime(2025, 3, 10, 1, 0, tzinfo=UTC)  # 09:00 on 10 March in Shanghai
    b = dt.datetime(2025, 3, 10, 15, 30, tzinfo=UTC)  # 23:30 on 10 March; filed after midnight
    c = dt.datetime(2025, 3, 12, 2, 0, tzinfo=UTC)
    terror = file(
        db,
        authority_config,
        _item_created_at(client, db, a),
        category="illegal.terrorism",
        now=a + dt.timedelta(minutes=10),
    )
    file(db, authority_config, _item_created_at(client, db, b), now=b + dt.timedelta(minutes=60))
    file(
        db,
        authority_config,
        _item_created_at(client, db, c),
        category="illegal.privacy",
        now=c + dt.timedelta(minutes=20),
    )
    police_terror = next(r for r in terror if r.department_id == "police-310115")
    service.change_status(
        db,
        identity_service.get(db, police.id),
        police_terror.id,
        ReportStatus.ACKNOWLEDGED,
        now=a + dt.timedelta(minutes=70),
    )

    response = client.get(
        "/v1/authority/supervision",
        headers=admin.headers,
        params={"from": "2025-03-10", "to": "2025-03-12"},
    )
    assert response.status_code == 200, response.text
    figures = response.json()
    assert figures["total"] == 4 and figures["time_zone"] == "Asia/Shanghai"
    assert figures["by_category"] == {
        "illegal.false_information": 1,
        "illegal.privacy": 1,
        "illegal.terrorism": 2,
    }
    assert figures["by_department"] == {"cyberspace-310115": 2, "police-310115": 2}
    assert figures["by_status"] == {"acknowledged": 1, "received": 3}
    assert [(d["day"], d["total"]) for d in figures["by_day"]] == [
        ("2025-03-10", 2),
        ("2025-03-11", 1),
        ("2025-03-12", 1),
    ]
    assert figures["by_day"][1]["by_category"] == {"illegal.false_information": 1}
    # Creation to filing took 10, 10, 60 and 20 minutes: nearest-rank p50 10 min, p90 60 min.
    assert figures["creation_to_filing"] == {
        "count": 4,
        "p50_seconds": 600.0,
        "p90_seconds": 3600.0,
    }
    assert figures["creation_to_acknowledgement"] == {
        "count": 1,
        "p50_seconds": 4200.0,
        "p90_seconds": 4200.0,
    }
    assert figures["filing_to_acknowledgement"]["p50_seconds"] == 3600.0

    own = client.get(
        "/v1/authority/supervision",
        headers=police.headers,
        params={"from": "2025-03-10", "to": "2025-03-12"},
    ).json()
    assert own["by_department"] == {"police-310115": 2}
    one_day = client.get(
        "/v1/authority/supervision",
        headers=admin.headers,
        params={"from": "2025-03-11", "to": "2025-03-11"},
    ).json()
    assert one_day["total"] == 1


def test_an_empty_period_has_no_figures_rather_than_zeros(
    client, db, runtime, authority_config
) -> None:
    admin = staff(client, db, runtime, "admin")
    figures = client.get(
        "/v1/authority/supervision",
        headers=admin.headers,
        params={"from": "2001-01-01", "to": "2001-01-31"},
    ).json()
    assert figures["total"] == 0 and figures["by_day"] == []
    assert figures["creation_to_filing"] == {"count": 0, "p50_seconds": None, "p90_seconds": None}


def test_periods_must_be_ordered_and_at_most_a_year(client, db, runtime, authority_config) -> None:
    admin = staff(client, db, runtime, "admin")
    backwards = client.get(
        "/v1/authority/supervision",
        headers=admin.headers,
        params={"from": "2025-03-12", "to": "2025-03-10"},
    )
    assert backwards.status_code == 422 and backwards.json()["code"] == "invalid_period"
    too_long = client.get(
        "/v1/authority/supervision",
        headers=admin.headers,
        params={"from": "2023-01-01", "to": "2025-01-01"},
    )
    assert too_long.json()["code"] == "period_too_long"
    default = client.get("/v1/authority/supervision", headers=admin.headers).json()
    assert (
        dt.date.fromisoformat(default["period_to"]) - dt.date.fromisoformat(default["period_from"])
    ).days == 29
