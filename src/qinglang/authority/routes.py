"""The authority side (R4.1, R4.2) and the platform's manual reports (R14.4).

Officials (role ``authority``) see and handle the reports of the departments they act for;
platform admins read everything, file manual reports and manage who acts for which department.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.orm import Session

from qinglang.authority import memberships, schemas, supervision
from qinglang.authority import service as authority_service
from qinglang.authority.models import AuthorityReport, ReportStatus
from qinglang.authority.settings import AuthoritySettings, get_authority_settings
from qinglang.deps import Admin, AuthorityOfficial, DbSession
from qinglang.errors import InvalidInput
from qinglang.rules import service as rules_service

router = APIRouter(prefix="/v1/authority", tags=["authority"])
SettingsDep = Annotated[AuthoritySettings, Depends(get_authority_settings)]


def _detail(session: Session, report: AuthorityReport) -> schemas.ReportDetail:
    return schemas.ReportDetail(
        **schemas.Report.model_validate(report).model_dump(),
        content_snapshot=report.content_snapshot,
        routing=report.routing,
        history=[schemas.StatusEvent.model_validate(e) for e in authority_service.events(session, report.id)],
        deliveries=[
            schemas.Delivery(
                state=d.state,
                attempts=d.attempts,
                next_attempt_at=d.next_attempt_at,
                delivered_at=d.delivered_at,
                log=[schemas.DeliveryAttempt.model_validate(a) for a in attempts],
            )
            for d, attempts in authority_service.deliveries(session, report.id)
        ],
    )


@router.get(
    "/departments",
    response_model=schemas.DepartmentList,
    summary="The competent departments and the routing rules (R4.1)",
)
def list_departments(account: AuthorityOfficial, session: DbSession, settings: SettingsDep) -> schemas.DepartmentList:
    routing = authority_service.routing_in_force(settings)
    mine = set(memberships.departments_of(session, account) or [])
    return schemas.DepartmentList(
        city_code=routing.city.code,
        city_name=routing.city.name,
        departments=[
            schemas.Department(
                id=d.id,
                kind=d.kind,
                name=d.name,
                level=d.level,
                district=d.district,
                webhook_configured=bool(d.webhook),
                member=d.id in mine,
            )
            for d in routing.departments
        ],
        rules=[
            schemas.RoutingRule(
                id=r.id,
                categories=r.categories,
                severities=r.severities,
                requires_phone_number=r.requires_phone_number,
                departments=[k.value for k in r.departments],
            )
            for r in routing.rules
        ],
    )


@router.get(
    "/departments/{department_id}/members",
    response_model=list[schemas.Member],
    summary="Authority accounts acting for a department (admin)",
)
def list_members(department_id: str, _: Admin, session: DbSession, settings: SettingsDep) -> list[schemas.Member]:
    routing = authority_service.routing_in_force(settings)
    return [schemas.Member.model_validate(m) for m in memberships.members(session, department_id, routing)]


@router.post(
    "/departments/{department_id}/members",
    response_model=schemas.Member,
    status_code=status.HTTP_201_CREATED,
    summary="Let an authority account act for a department (admin)",
)
def add_member(
    department_id: str,
    body: schemas.MemberCreate,
    admin: Admin,
    session: DbSession,
    settings: SettingsDep,
) -> schemas.Member:
    membership = memberships.add_member(
        session,
        department_id=department_id,
        account_id=body.account_id,
        actor=admin,
        routing=authority_service.routing_in_force(settings),
    )
    return schemas.Member.model_validate(membership)


@router.delete(
    "/departments/{department_id}/members/{account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop an account acting for a department (admin)",
)
def remove_member(department_id: str, account_id: int, _: Admin, session: DbSession) -> Response:
    memberships.remove_member(session, department_id=department_id, account_id=account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/reports",
    response_model=list[schemas.Report],
    status_code=status.HTTP_201_CREATED,
    summary="File a manual report to the competent departments (admin, R14.4)",
)
def file_report(
    body: schemas.ReportCreate, admin: Admin, session: DbSession, settings: SettingsDep
) -> list[schemas.Report]:
    rule = rules_service.resolve_rule(session, body.rule_id)
    reports = authority_service.file_report(
        session,
        content_id=body.content_id,
        category=body.category,
        severity=body.severity,
        rule_id=rule.rule_id,
        rule_version=rule.version,
        summary=body.summary,
        evidence_ref=body.evidence_ref,
        author_region_code=authority_service.author_region_code(session, body.content_id),
        filed_by=admin.id,
        settings=settings,
    )
    if not reports:
        raise InvalidInput(f"no department is competent for {body.category}", code="no_competent_department")
    return [schemas.Report.model_validate(r) for r in reports]


@router.get(
    "/reports",
    response_model=schemas.ReportList,
    summary="The inbox: reports to the caller's departments, newest first (R4.1)",
)
def list_reports(
    account: AuthorityOfficial,
    session: DbSession,
    department: str | None = None,
    district: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    category: str | None = None,
    report_status: Annotated[ReportStatus | None, Query(alias="status")] = None,
    filed_from: Annotated[dt.datetime | None, Query(description="Filed at or after (ISO 8601).")] = None,
    filed_to: Annotated[dt.datetime | None, Query(description="Filed before (ISO 8601).")] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=authority_service.MAX_PAGE)] = 50,
) -> schemas.ReportList:
    for name, value in (("filed_from", filed_from), ("filed_to", filed_to)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(f"{name} needs a time zone offset", code="naive_datetime")
    where = authority_service.InboxFilter(
        department=department,
        district=district,
        category=category,
        status=report_status,
        filed_from=filed_from,
        filed_to=filed_to,
    )
    reports = authority_service.inbox(session, account, where, before=before, limit=limit)
    return schemas.ReportList(
        items=[schemas.Report.model_validate(r) for r in reports],
        next_before=reports[-1].id if len(reports) == limit else None,
    )


@router.get(
    "/reports/{report_id}",
    response_model=schemas.ReportDetail,
    summary="One report with the content as reported, its evidence reference and history",
)
def get_report(report_id: int, account: AuthorityOfficial, session: DbSession) -> schemas.ReportDetail:
    return _detail(session, authority_service.get_report(session, account, report_id))


@router.post(
    "/reports/{report_id}/acknowledge",
    response_model=schemas.ReportDetail,
    summary="Acknowledge receipt (the department's officials)",
)
def acknowledge(
    report_id: int, body: schemas.Acknowledge, account: AuthorityOfficial, session: DbSession
) -> schemas.ReportDetail:
    report = authority_service.change_status(session, account, report_id, ReportStatus.ACKNOWLEDGED, body.note)
    return _detail(session, report)


@router.post(
    "/reports/{report_id}/status",
    response_model=schemas.ReportDetail,
    summary="Move a report to investigating or closed (closing needs a note)",
)
def update_status(
    report_id: int, body: schemas.StatusUpdate, account: AuthorityOfficial, session: DbSession
) -> schemas.ReportDetail:
    report = authority_service.change_status(session, account, report_id, body.status, body.note)
    return _detail(session, report)


@router.get(
    "/supervision",
    response_model=schemas.Supervision,
    summary="Supervision figures: volumes, timings and statuses of reports (R4.2)",
)
def supervision_figures(
    account: AuthorityOfficial,
    session: DbSession,
    settings: SettingsDep,
    period_from: Annotated[
        dt.date | None,
        Query(alias="from", description="First local day; default 29 days before `to`."),
    ] = None,
    period_to: Annotated[
        dt.date | None, Query(alias="to", description="Last local day, included; default today.")
    ] = None,
) -> schemas.Supervision:
    zone = settings.zone
    period_to = period_to or dt.datetime.now(zone).date()
    period_from = period_from or period_to - dt.timedelta(days=29)
    if period_from > period_to:
        raise InvalidInput("`from` is after `to`", code="invalid_period")
    if (period_to - period_from).days >= supervision.MAX_DAYS:
        raise InvalidInput(f"a period covers at most {supervision.MAX_DAYS} days", code="period_too_long")
    result = supervision.figures(
        session,
        period_from=period_from,
        period_to=period_to,
        zone=zone,
        departments=memberships.departments_of(session, account),
    )
    return schemas.Supervision.model_validate(result, from_attributes=True)


routers = (router,)
