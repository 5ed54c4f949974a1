"""The staffing report (R11.2): is the review team the right size for the volume?"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.db import utcnow
from qinglang.percentiles import percentile
from qinglang.review.models import CaseStatus, ReviewCase, ReviewDecision
from qinglang.review.schemas import Staffing
from qinglang.settings import Settings

# Until the team has decided cases of its own, plan with a few minutes per case.
DEFAULT_HANDLING_MINUTES = 5.0


def report(session: Session, settings: Settings, *, days: int = 7, now: dt.datetime | None = None) -> Staffing:
    now = now or utcnow()
    since = now - dt.timedelta(days=days)
    created = session.scalar(select(func.count(ReviewCase.id)).where(ReviewCase.created_at >= since)) or 0
    decided_rows = session.execute(
        select(ReviewCase.created_at, ReviewCase.decided_at)
        .where(ReviewCase.decided_at.is_not(None), ReviewCase.decided_at >= since)
    ).all()
    pending = (CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.ESCALATED)
    backlog = session.scalar(select(func.count(ReviewCase.id)).where(ReviewCase.status.in_(pending))) or 0
    overdue = session.scalar(select(func.count(ReviewCase.id))
                             .where(ReviewCase.status.in_(pending), ReviewCase.due_at < now)) or 0
    decisions = session.execute(
        select(ReviewDecision.reviewer_id, ReviewDecision.claimed_at, ReviewDecision.at)
        .where(ReviewDecision.at >= since)
    ).all()
    per_reviewer = Counter(row.reviewer_id for row in decisions)
    handling = [(row.at - row.claimed_at).total_seconds() / 60 for row in decisions if row.claimed_at]
    mean_handling = sum(handling) / len(handling) if handling else None
    waits = sorted((d - c).total_seconds() / 60 for c, d in decided_rows)
    incoming_per_day = created / days
    # Reviews per case: dual-review cases cost two.
    reviews_per_case = (len(decisions) / len(decided_rows)) if decided_rows else 1.0
    productive_minutes = settings.reviewer_productive_hours * 60
    needed = (incoming_per_day * reviews_per_case * (mean_handling or DEFAULT_HANDLING_MINUTES)) / productive_minutes
    return Staffing(
        window_days=days, cases_created=created, cases_decided=len(decided_rows), backlog=backlog,
        overdue=overdue, decisions_per_reviewer=dict(per_reviewer),
        decisions_per_reviewer_hour={r: n / (days * settings.reviewer_productive_hours)
                                     for r, n in per_reviewer.items()},
        median_minutes_to_decision=percentile(waits, 0.5), p90_minutes_to_decision=percentile(waits, 0.9),
        mean_handling_minutes=mean_handling, incoming_per_day=incoming_per_day,
        reviewers_needed=needed, reviewers_active=len(per_reviewer),
    )
