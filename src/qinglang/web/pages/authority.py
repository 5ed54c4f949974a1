"""Authority pages (R4.1, R4.2): the inbox of reports by department and district, one report
with its handling, and the supervision charts. Officials see only their departments' reports,
exactly as through the API (the same functions answer both)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import func, select

from qinglang.authority import memberships
from qinglang.authority import routes as authority_api
from qinglang.authority import service as authority_service
from qinglang.authority.models import ReportStatus
from qinglang.authority.schemas import Acknowledge
from qinglang.authority.settings import AuthoritySettings, get_authority_settings
from qinglang.deps import DbSession
from qinglang.errors import QinglangError
from qinglang.web import charts, figures_domains, rendering
from qinglang.web.auth import AuthorityPage, Form
from qinglang.web.rendering import PageRoute, render
from qinglang.web.schemas import FormInvalid, parse

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
SettingsDep = Annotated[AuthoritySettings, Depends(get_authority_settings)]
District = Annotated[str | None, Query(pattern=r"^(\d{6})?$")]


@router.get("/authority", name="web.inbox")
def inbox(
    request: Request,
    account: AuthorityPage,
    session: DbSession,
    settings: SettingsDep,
    department: str | None = None,
    district: District = None,
    category: str | None = None,
    status: ReportStatus | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    listing = authority_api.list_reports(
        account,
        session,
        department=department or None,
        district=district or None,
        category=category or None,
        report_status=status,
        filed_from=None,
        filed_to=None,
        before=before,
        limit=50,
    )
    visible = memberships.departments_of(session, account)
    everything = authority_service.inbox_query(visible, authority_service.InboxFilter()).subquery()
    by_department = dict(
        session.execute(select(everything.c.department_id, func.count()).group_by(everything.c.department_id)).all()
    )
    by_district = dict(
        session.execute(select(everything.c.district, func.count()).group_by(everything.c.district)).all()
    )
    routing = authority_service.routing_in_force(settings)
    names = {d.id: d.name for d in routing.departments}
    t = rendering.context(request)["t"]
    return render(
        request,
        "authority/inbox.html",
        reports=listing.items,
        next_before=listing.next_before,
        names=names,
        departments=[d for d in routing.departments if visible is None or d.id in visible],
        statuses=list(ReportStatus),
        department_chart=charts.bars(
            [charts.Bar(names.get(k, k), v) for k, v in sorted(by_department.items())], title=t("inbox.by_department")
        ),
        district_chart=charts.bars(
            [
                charts.Bar(k or t("inbox.municipal"), v)
                for k, v in sorted(by_district.items(), key=lambda x: x[0] or "")
            ],
            title=t("inbox.by_district"),
        ),
        filters={
            "department": department or "",
            "district": district or "",
            "category": category or "",
            "status": str(status) if status else "",
        },
    )


def _report_page(
    request: Request,
    account: AuthorityPage,
    session: DbSession,
    settings: AuthoritySettings,
    report_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    note: str = "",
) -> Response:
    report = authority_api.get_report(report_id, account, session)
    names = {d.id: d.name for d in authority_service.routing_in_force(settings).departments}
    return render(
        request,
        "authority/report.html",
        status_code=status_code,
        report=report,
        names=names,
        errors=errors or {},
        note=note,
        can_acknowledge=report.status == ReportStatus.RECEIVED,
    )


@router.get("/authority/reports/{report_id}", name="web.report")
def report(
    request: Request, report_id: int, account: AuthorityPage, session: DbSession, settings: SettingsDep
) -> Response:
    return _report_page(request, account, session, settings, report_id)


@router.post("/authority/reports/{report_id}/acknowledge")
def acknowledge(
    request: Request, report_id: int, account: AuthorityPage, session: DbSession, settings: SettingsDep, data: Form
) -> Response:
    t = rendering.context(request)["t"]
    note = data.get("note")
    try:
        body = parse(Acknowledge, {"note": note}, t)
        authority_api.acknowledge(report_id, body, account, session)
    except FormInvalid as invalid:
        return _report_page(
            request, account, session, settings, report_id, status_code=422, errors=invalid.errors, note=note
        )
    except QinglangError as error:
        session.rollback()
        return _report_page(
            request,
            account,
            session,
            settings,
            report_id,
            status_code=error.status_code,
            errors={"_form": f"{error.message} ({error.code})"},
            note=note,
        )
    return rendering.redirect(f"/authority/reports/{report_id}", done="report.acknowledged")


@router.get("/authority/supervision", name="web.supervision")
def supervision(
    request: Request,
    account: AuthorityPage,
    session: DbSession,
    settings: SettingsDep,
    period_from: Annotated[dt.date | None, Query(alias="from")] = None,
    period_to: Annotated[dt.date | None, Query(alias="to")] = None,
) -> Response:
    figures = authority_api.supervision_figures(
        account, session, settings, period_from=period_from, period_to=period_to
    )
    t = rendering.context(request)["t"]
    names = {d.id: d.name for d in authority_service.routing_in_force(settings).departments}
    # Complaint handling (R4.2, R13.4) is measured as the compliance report measures it.
    sla = figures_domains.complaint_sla(session)
    return render(
        request,
        "authority/supervision.html",
        figures=figures,
        by_day=charts.stacked_columns(
            [(d.day.isoformat(), d.by_category) for d in figures.by_day], title=t("supervision.by_day")
        ),
        by_department=charts.bars(
            [charts.Bar(names.get(k, k), v) for k, v in figures.by_department.items()],
            title=t("supervision.by_department"),
        ),
        by_status=charts.bars(
            [charts.Bar(k, v) for k, v in figures.by_status.items()], title=t("supervision.by_status")
        ),
        by_category=charts.bars([charts.Bar(k, v) for k, v in figures.by_category.items()], title=t("inbox.category")),
        sla=sla,
        sla_chart=charts.bars(
            [charts.Bar(t("category." + r.category), round(100 * r.within / r.judged, 1)) for r in sla if r.judged],
            title=t("sla.title"),
            unit="%",
        ),
    )
