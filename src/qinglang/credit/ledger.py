"""The pure fold of a credit ledger: events and publishing weeks in, a score out.

Kept apart from the database so the rule is readable in one place and the same function serves
the read path, the checkpoint and the tests: start at the policy's start; each event adds its
points (the score stays within 0..max_score); each complete calendar week in which the account
published and had no violation gives back ``recovery_points_per_week``, up to the start.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from qinglang.credit.tiers import CreditPolicy

EPOCH = dt.datetime(1970, 1, 5, tzinfo=dt.UTC)  # a Monday: weeks run Monday to Sunday (UTC)
VIOLATIONS = frozenset({"deduction", "malicious_reports"})


def week_of(moment: dt.datetime) -> int:
    return (moment - EPOCH).days // 7


def week_start(week: int) -> dt.datetime:
    return EPOCH + dt.timedelta(days=7 * week)


@dataclass(frozen=True)
class Entry:
    id: int
    week: int
    points: int
    kind: str


@dataclass(frozen=True)
class Folded:
    score: int
    recovered: int
    # Whether the last week folded (the ``current_week`` of the fold) already had a violation:
    # a checkpoint taken mid-week must remember it, or that week would earn recovery.
    week_violated: bool = False


def fold(policy: CreditPolicy, start: Folded, from_week: int, entries: Iterable[Entry],
         active_weeks: set[int], current_week: int) -> Folded:
    """Apply ``entries`` and recovery for the weeks ``from_week`` .. ``current_week``.

    ``start`` is the state at ``from_week`` (its ``week_violated`` refers to that week).
    Recovery is only earned for weeks before ``current_week`` (a week counts once it is over).
    An entry dated before ``from_week`` (committed late) counts in ``from_week``.
    """
    by_week: dict[int, list[Entry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.id):
        by_week[max(entry.week, from_week)].append(entry)
    weeks = sorted({w for w in active_weeks if from_week <= w < current_week} | set(by_week) | {from_week})
    score, recovered, violated = start.score, start.recovered, start.week_violated
    for week in weeks:
        violated = start.week_violated if week == from_week else False
        for entry in by_week.get(week, ()):
            score = min(policy.max_score, max(0, score + entry.points))
            violated = violated or entry.kind in VIOLATIONS
        if week < current_week and week in active_weeks and not violated and score < policy.start:
            gain = min(policy.recovery_points_per_week, policy.start - score)
            score += gain
            recovered += gain
    return Folded(score, recovered, violated if weeks[-1] == current_week else False)
