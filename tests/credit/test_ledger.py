"""R10.3: the score is derived from the ledger; recovery is computed from publishing weeks; a
checkpoint only saves work and never changes the answer."""

import datetime as dt

import pytest

from qinglang.credit import service as credit_service
from qinglang.credit.ledger import Entry, Folded, fold, week_of
from qinglang.credit.models import CreditCheckpoint, CreditEvent
from qinglang.credit.tiers import CreditPolicyInvalid, load, parse
from tests.identity.builders import publisher
from tests.review.builders import post

POLICY = load()


def test_recovery_is_one_point_per_clean_publishing_week_up_to_the_start() -> None:
    lost = [Entry(1, 10, -5, "deduction")]
    # Weeks 11-13 published and clean: 3 points back; week 14 is the current week (not over yet).
    folded = fold(POLICY, Folded(120, 0), 10, lost, {11, 12, 13, 14}, current_week=14)
    assert folded == Folded(118, 3)
    # Weeks without publishing earn nothing, and recovery never lifts above the start.
    assert fold(POLICY, Folded(120, 0), 10, lost, set(), current_week=30).score == 115
    assert fold(POLICY, Folded(120, 0), 10, lost, set(range(11, 40)), current_week=40) == Folded(120, 5)


def test_a_week_with_a_violation_earns_no_recovery_and_scores_stay_in_bounds() -> None:
    entries = [Entry(1, 10, -5, "deduction"), Entry(2, 11, -3, "deduction")]
    assert fold(POLICY, Folded(120, 0), 10, entries, {10, 11}, current_week=12).score == 112
    assert fold(POLICY, Folded(120, 0), 10, [Entry(1, 10, -500, "deduction")], set(), 11).score == 0
    bonuses = [Entry(n, 10, 1, "report_bonus") for n in range(50)]
    assert fold(POLICY, Folded(120, 0), 10, bonuses, set(), 11).score == POLICY.max_score


def test_a_malformed_credit_policy_is_refused_with_the_offending_key() -> None:
    with pytest.raises(CreditPolicyInvalid, match="deductions.illegal.fake"):
        parse("start: 120\nmax_score: 130\nrecovery_points_per_week: 1\nupheld_report_bonus: 1\n"
              "upheld_report_bonus_per_30_days: 5\nmalicious_report_penalty: 5\n"
              "deductions: {illegal.fake: 3}\nseverity_factors: {low: 1, normal: 1, high: 1, severe: 1}\n"
              "tiers: [{name: all, min_score: 0, title: t, meaning: m}]\n")
    with pytest.raises(CreditPolicyInvalid, match="min_score 0"):
        parse("start: 120\nmax_score: 130\nrecovery_points_per_week: 1\nupheld_report_bonus: 1\n"
              "upheld_report_bonus_per_30_days: 5\nmalicious_report_penalty: 5\n"
              "deductions: {}\nseverity_factors: {low: 1, normal: 1, high: 1, severe: 1}\n"
              "tiers: [{name: all, min_score: 10, title: t, meaning: m}]\n")


def test_the_checkpoint_gives_the_same_score_as_folding_every_event(client, db, runtime) -> None:
    user = publisher(client)
    post(client, user, "今天的晚霞很好看。")
    now = dt.datetime.now(dt.UTC)
    for weeks_ago, points in ((9, -10), (6, -4), (3, 1), (0, -2)):
        db.add(CreditEvent(account_id=user.id, kind="deduction" if points < 0 else "report_bonus", points=points,
                           reason="test", at=now - dt.timedelta(weeks=weeks_ago)))
    db.flush()
    assert db.get(CreditCheckpoint, user.id) is None
    unfolded = credit_service.standing(db, POLICY, user.id, now)
    credit_service.refresh_checkpoint(db, POLICY, user.id, now)
    checkpoint = db.get(CreditCheckpoint, user.id)
    assert checkpoint is not None and checkpoint.week == week_of(now)
    assert credit_service.standing(db, POLICY, user.id, now) == unfolded
    assert unfolded.score == 120 - 10 - 4 + 1 - 2


def test_folding_in_two_steps_mid_week_equals_folding_at_once() -> None:
    """A checkpoint taken mid-week remembers that week's violation: it earns no recovery later."""
    first = [Entry(1, 10, -6, "deduction"), Entry(2, 12, -3, "deduction")]
    later = [Entry(3, 12, 1, "report_bonus"), Entry(4, 14, -1, "deduction")]
    active = set(range(10, 20))
    at_once = fold(POLICY, Folded(120, 0), 10, first + later, active, current_week=20)
    checkpoint = fold(POLICY, Folded(120, 0), 10, first, active, current_week=12)
    assert checkpoint.week_violated
    assert fold(POLICY, checkpoint, 12, later, active, current_week=20) == at_once
