"""Figures the authorities supervise the platform with (R4.2), computed from the reports alone.

Days are local days in the configured time zone, which SQL cannot bucket the same way on both
engines; the rows of one period are few enough (one per report) to count in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.authority.models import AuthorityReport
from qinglang.percentiles import percentile

MAX_DAYS = 366


@dataclass
class Percentiles:
    count: int
    p50_seconds: float | None
    p90_seconds: float | None


@dataclass
class Day:
    day: dt.date
    total: int
    by_category: dict[str, int]
    by_department: dict[str, int]


@dataclass
class Figures:
    period_from: dt.date
    period_to: dt.date
    time_zone: str
    total: int
    by_category: dict[str, int]
    by_department: dict[str, int]
    by_status: dict[str, int]
    by_day: list[Day] = field(default_factory=list)
    creation_to_filing: Percentiles | None = None
    creation_to_acknowledgement: Percentiles | None = None
    filing_to_acknowledgement: Percentiles | None = None


def _percentiles(values: list[float]) -> Percentiles:
    ordered = sorted(values)
    return Percentiles(
        count=len(ordered),
        p50_seconds=percentile(ordered, 0.5),
        p90_seconds=percentile(ordered, 0.9),
    )


def figures(
    session: Session,
    *,
    period_from: dt.date,
    period_to: dt.date,
    zone: ZoneInfo,
    departments: list[str] | None,
) -> Figures:
    """Reports filed on the local days ``period_from`` … ``period_to`` (inclusive).

    ``departments``: restrict to these (an official's own); None for all.
    """
    start = dt.datetime.combine(period_from, dt.time(), zone)
    end = dt.datetime.combine(period_to + dt.timedelta(days=1), dt.time(), zone)
    statement = select(
        AuthorityReport.category,
        AuthorityReport.department_id,
        AuthorityReport.status,
        AuthorityReport.filed_at,
        AuthorityReport.content_created_at,
        AuthorityReport.acknowledged_at,
    ).where(AuthorityReport.filed_at >= start, AuthorityReport.filed_at < end)
    if departments is not None:
        statement = statement.where(AuthorityReport.department_id.in_(departments))

    by_category: Counter[str] = Counter()
    by_department: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    days: dict[dt.date, tuple[Counter[str], Counter[str]]] = defaultdict(lambda: (Counter(), Counter()))
    to_filing: list[float] = []
    to_ack: list[float] = []
    filing_to_ack: list[float] = []
    for category, department, status, filed_at, created_at, acknowledged_at in session.execute(statement):
        by_category[category] += 1
        by_department[department] += 1
        by_status[status] += 1
        day = days[filed_at.astimezone(zone).date()]
        day[0][category] += 1
        day[1][department] += 1
        to_filing.append((filed_at - created_at).total_seconds())
        if acknowledged_at is not None:
            to_ack.append((acknowledged_at - created_at).total_seconds())
            filing_to_ack.append((acknowledged_at - filed_at).total_seconds())
    return Figures(
        period_from=period_from,
        period_to=period_to,
        time_zone=zone.key,
        total=sum(by_category.values()),
        by_category=dict(sorted(by_category.items())),
        by_department=dict(sorted(by_department.items())),
        by_status=dict(sorted(by_status.items())),
        by_day=[
            Day(
                day=d,
                total=sum(c.values()),
                by_category=dict(sorted(c.items())),
                by_department=dict(sorted(p.items())),
            )
            for d, (c, p) in sorted(days.items())
        ],
        creation_to_filing=_percentiles(to_filing),
        creation_to_acknowledgement=_percentiles(to_ack),
        filing_to_acknowledgement=_percentiles(filing_to_ack),
    )
