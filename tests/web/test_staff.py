"""R9.1, R11.2, R4.2: the staff and authority dashboards show what the API computes."""

from tests.identity.builders import staff
from tests.web.builders import post_form, sign_in


def test_policy_versions_show_their_check_and_a_broken_draft_points_at_the_line(client, db, runtime) -> None:
    """R9.1."""
    admin = staff(client, db, runtime, "admin")
    sign_in(client, admin)
    page = client.get("/staff/policy").text
    assert "生效中" in page and "✓ 通过" in page
    current = client.get("/v1/policy", headers=admin.headers).json()["text"]
    broken = current.replace("action:", "acton:", 1)
    checked = post_form(client, "/staff/policy", {"action": "check", "text": broken})
    assert checked.status_code == 422 and "✗" in checked.text
    assert 'class="problems"' in checked.text and "acton:" in checked.text  # the draft is kept
    replayed = post_form(client, "/staff/policy", {"action": "backtest", "text": current})
    assert replayed.status_code == 200 and "回测结果" in replayed.text


def test_the_staffing_report_and_the_lexicon_render_for_reviewers(client, db, runtime) -> None:
    """R11.2."""
    reviewer = staff(client, db, runtime, "reviewer")
    sign_in(client, reviewer)
    figures = client.get("/v1/review/staffing", headers=reviewer.headers).json()
    page = client.get("/staff/staffing").text
    assert "所需审核员" in page and f"{figures['reviewers_needed']:.1f}" in page
    assert client.get("/staff/lexicon").status_code == 200


def test_supervision_draws_charts_of_the_api_figures(client, db, runtime) -> None:
    """R4.2."""
    official = staff(client, db, runtime, "authority")
    sign_in(client, official)
    page = client.get("/authority/supervision?lang=en")
    assert page.status_code == 200 and "Supervision figures" in page.text
    bad = client.get("/authority/supervision?from=2025-02-01&to=2025-01-01")
    assert bad.status_code == 422 and "invalid_period" in bad.text
