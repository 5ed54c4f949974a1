"""Filing reports to the competent departments (R14.4), the departments' inbox and the handling
of each report (R4.1). Services flush; callers commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qinglang.authority.memberships import departments_of
from qinglang.authority.models import (
    AuthorityDelivery,
    AuthorityDeliveryAttempt,
    AuthorityReport,
    AuthorityReportEvent,
    DeliveryState,
    ReportStatus,
)
from qinglang.authority.routing import SEVERITIES, Routing, is_category, load_routing, phone_numbers
from qinglang.authority.settings import AuthoritySettings, get_authority_settings
from qinglang.content import service as content_service
from qinglang.db import utcnow
from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.identity.models import Account, Role

MAX_PAGE = 200

# Handling moves forward only; an official may close straight after acknowledging.
_NEXT: dict[ReportStatus, frozenset[ReportStatus]] = {
    ReportStatus.RECEIVED: frozenset({ReportStatus.ACKNOWLEDGED}),
    ReportStatus.ACKNOWLEDGED: frozenset({ReportStatus.INVESTIGATING, ReportStatus.CLOSED}),
    ReportStatus.INVESTIGATING: frozenset({ReportStatus.CLOSED}),
    ReportStatus.CLOSED: frozenset(),
}


def routing_in_force(settings: AuthoritySettings | None = None) -> Routing:
    settings = settings or get_authority_settings()
    return load_routing(settings.authority_routing_file)


def file_report(
    session: Session,
    *,
    content_id: int,
    category: str,
    severity: str,
    rule_id: str,
    rule_version: int,
    summary: str,
    evidence_ref: str | None,
    author_region_code: str | None,
    filed_by: int | None = None,
    settings: AuthoritySettings | None = None,
    now: dt.datetime | None = None,
) -> list[AuthorityReport]:
    """One report per competent department; filing the same item and category again returns the
    reports already filed (R14.4). An empty list: no department is competent for the category."""
    settings = settings or get_authority_settings()
    routing = load_routing(settings.authority_routing_file)
    if not is_category(category):
        raise InvalidInput(f"unknown category {category!r} (see TAXONOMY.md)", code="unknown_category")
    if severity not in SEVERITIES:
        raise InvalidInput(
            f"severity must be one of {', '.join(SEVERITIES)}",
            code="invalid_severity",
            detail={"allowed": list(SEVERITIES)},
        )
    item = content_service.get(session, content_id)
    numbers = phone_numbers(f"{item.title or ''}\n{item.body}")
    assignments = routing.route(
        category=category,
        severity=severity,
        author_region_code=author_region_code,
        platform_region_code=settings.authority_platform_region,
        has_phone_number=bool(numbers),
    )
    author = session.get(Account, item.author_id)
    snapshot = {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "state": item.state,
        "labels": list(item.labels),
        "author_id": item.author_id,
        "author_handle": author.handle if author else None,
        "parent_id": item.parent_id,
        "video_id": item.video_id,
        "offset_ms": item.offset_ms,
        "created_at": item.created_at.isoformat(),
        "published_at": item.published_at.isoformat() if item.published_at else None,
    }
    now = now or utcnow()
    filed = {
        r.department_id: r
        for r in session.scalars(
            select(AuthorityReport).where(
                AuthorityReport.content_id == content_id, AuthorityReport.category == category
            )
        )
    }
    reports = []
    for assignment in assignments:
        department = assignment.department
        if department.id in filed:
            reports.append(filed[department.id])
            continue
        report = AuthorityReport(
            content_id=content_id,
            category=category,
            severity=severity,
            rule_id=rule_id,
            rule_version=rule_version,
            summary=summary,
            evidence_ref=evidence_ref,
            department_id=department.id,
            department_kind=department.kind,
            district=assignment.district,
            content_snapshot=snapshot,
            content_created_at=item.created_at,
            filed_at=now,
            filed_by=filed_by,
            status=ReportStatus.RECEIVED,
            status_changed_at=now,
            routing={
                "routed_by": assignment.routed_by,
                "rules": list(assignment.rules),
                "author_region_code": author_region_code,
                "phone_numbers": numbers,
            },
            delivery_state=DeliveryState.PENDING if department.webhook else DeliveryState.INBOX_ONLY,
        )
        try:
            # A concurrent filing of the same item may win the unique constraint: take its report.
            with session.begin_nested():
                session.add(report)
                session.flush()
        except IntegrityError:
            raced = _filed(session, content_id, category, department.id)
            if raced is None:
                raise
            reports.append(raced)
            continue
        session.add(
            AuthorityReportEvent(
                report_id=report.id,
                from_status=None,
                to_status=ReportStatus.RECEIVED,
                actor_id=filed_by,
                at=now,
            )
        )
        if department.webhook:
            session.add(
                AuthorityDelivery(
                    report_id=report.id,
                    department_id=department.id,
                    url=department.webhook,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        reports.append(report)
    session.flush()
    return reports


def _filed(session: Session, content_id: int, category: str, department_id: str) -> AuthorityReport | None:
    return session.scalar(
        select(AuthorityReport).where(
            AuthorityReport.content_id == content_id,
            AuthorityReport.category == category,
            AuthorityReport.department_id == department_id,
        )
    )


def author_region_code(session: Session, content_id: int) -> str | None:
    """The region code of the item's author's verified identity (first 6 digits of the number)."""
    item = content_service.get(session, content_id)
    author = session.get(Account, item.author_id)
    return author.identity.region_code if author and author.identity else None


# --- the inbox ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilter:
    department: str | None = None
    district: str | None = None
    category: str | None = None
    status: ReportStatus | None = None
    filed_from: dt.datetime | None = None
    filed_to: dt.datetime | None = None


def inbox_query(visible: list[str] | None, where: InboxFilter) -> Select[tuple[AuthorityReport]]:
    statement = select(AuthorityReport)
    if visible is not None:
        statement = statement.where(AuthorityReport.department_id.in_(visible))
    if where.department is not None:
        statement = statement.where(AuthorityReport.department_id == where.department)
    if where.district is not None:
        statement = statement.where(AuthorityReport.district == where.district)
    if where.category is not None:
        statement = statement.where(AuthorityReport.category == where.category)
    if where.status is not None:
        statement = statement.where(AuthorityReport.status == where.status)
    if where.filed_from is not None:
        statement = statement.where(AuthorityReport.filed_at >= where.filed_from)
    if where.filed_to is not None:
        statement = statement.where(AuthorityReport.filed_at < where.filed_to)
    return statement


def inbox(
    session: Session,
    account: Account,
    where: InboxFilter,
    *,
    before: int | None = None,
    limit: int = 50,
) -> list[AuthorityReport]:
    """Newest first; ``before`` pages by report ID."""
    statement = inbox_query(departments_of(session, account), where)
    if before is not None:
        statement = statement.where(AuthorityReport.id < before)
    statement = statement.order_by(AuthorityReport.id.desc()).limit(min(max(limit, 1), MAX_PAGE))
    return list(session.scalars(statement))


def get_report(session: Session, account: Account, report_id: int) -> AuthorityReport:
    report = session.get(AuthorityReport, report_id)
    visible = departments_of(session, account)
    if report is None or (visible is not None and report.department_id not in visible):
        # Another department's report looks the same as a missing one.
        raise NotFound(f"report {report_id} does not exist", code="report_not_found")
    return report


def events(session: Session, report_id: int) -> list[AuthorityReportEvent]:
    return list(
        session.scalars(
            select(AuthorityReportEvent)
            .where(AuthorityReportEvent.report_id == report_id)
            .order_by(AuthorityReportEvent.id)
        )
    )


def deliveries(session: Session, report_id: int) -> list[tuple[AuthorityDelivery, list[AuthorityDeliveryAttempt]]]:
    found = []
    for delivery in session.scalars(select(AuthorityDelivery).where(AuthorityDelivery.report_id == report_id)):
        attempts = list(
            session.scalars(
                select(AuthorityDeliveryAttempt)
                .where(AuthorityDeliveryAttempt.delivery_id == delivery.id)
                .order_by(AuthorityDeliveryAttempt.id)
            )
        )
        found.append((delivery, attempts))
    return found


def change_status(
    session: Session,
    account: Account,
    report_id: int,
    to_status: ReportStatus,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> AuthorityReport:
    """Move a report along received → acknowledged → investigating → closed (R4.1 tracking).

    Only officials acting for the report's department may; platform admins can read, not handle.
    """
    report = get_report(session, account, report_id)
    if account.role != Role.AUTHORITY or report.department_id not in (departments_of(session, account) or []):
        raise Forbidden("only the department's own officials handle its reports", code="not_department_member")
    # Lock before check-then-act: two officials acknowledging at once must not both succeed.
    session.refresh(report, with_for_update=True)
    if to_status not in _NEXT[report.status]:
        raise Conflict(
            f"a {report.status} report cannot become {to_status}",
            code="invalid_transition",
            detail={"from": report.status, "allowed": sorted(_NEXT[report.status])},
        )
    if to_status == ReportStatus.CLOSED and not (note and note.strip()):
        raise InvalidInput("closing a report needs a note on its outcome", code="note_required")
    now = now or utcnow()
    session.add(
        AuthorityReportEvent(
            report_id=report.id,
            from_status=report.status,
            to_status=to_status,
            actor_id=account.id,
            note=note,
            at=now,
        )
    )
    report.status = to_status
    report.status_changed_at = now
    if to_status == ReportStatus.ACKNOWLEDGED:
        report.acknowledged_at = now
    if to_status == ReportStatus.CLOSED:
        report.closed_at = now
    session.flush()
    return report
