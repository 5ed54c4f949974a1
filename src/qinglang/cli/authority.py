"""``qinglang authority`` (deliver reports, check routing) and ``qinglang bench authority``."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import tempfile
import time
from pathlib import Path

import typer

from qinglang.percentiles import percentile

authority = typer.Typer(
    help="Reports to the competent departments (R14.4, R4.1).", no_args_is_help=True
)

_CATEGORIES = (
    "illegal.false_information",
    "illegal.pornography",
    "illegal.violence",
    "illegal.privacy",
    "illegal.terrorism",
    "platform.spam",
)
_DISTRICTS = ("310101", "310104", "310106", "310115", "310112", None)


@authority.command("deliver")
def deliver(
    loop: bool = typer.Option(False, "--loop", help="Keep delivering until interrupted."),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between rounds with --loop."),
) -> None:
    """Send due reports to the departments' webhooks (retries with exponential backoff)."""
    from qinglang.authority.tasks import deliver_pending
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    runtime = build_runtime(get_settings())
    try:
        while True:
            run = deliver_pending(runtime.sessions)
            if run.sent or not loop:
                typer.echo(
                    f"delivered {run.delivered}, retrying {run.retrying}, failed {run.failed}"
                )
            if not loop:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        runtime.close()


@authority.command("check")
def check(
    path: Path | None = typer.Argument(None, help="A routing file; default: the one in force."),
) -> None:
    """Validate a departments-and-routing file and print what it routes where."""
    from qinglang.authority.routing import SHIPPED_ROUTING, RoutingError, parse_routing
    from qinglang.authority.settings import get_authority_settings

    path = path or get_authority_settings().authority_routing_file or SHIPPED_ROUTING
    try:
        routing = parse_routing(path.read_text(encoding="utf-8"), str(path))
    except RoutingError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"{path}: {len(routing.departments)} departments, {len(routing.rules)} rules "
        f"for {routing.city.name} ({routing.city.code})"
    )
    for rule in routing.rules:
        typer.echo(f"  {rule.id}: {', '.join(rule.categories)} -> {', '.join(rule.departments)}")


def _seed(session, author_id: int, count: int, now: dt.datetime) -> list[int]:  # noqa: ANN001
    from sqlalchemy import insert, select

    from qinglang.content.models import ContentItem

    rows = [
        {
            "kind": "post",
            "author_id": author_id,
            "body": f"基准测试内容 {n} 电话 13812345678",
            "state": "published",
            "labels": [],
            "created_at": now - dt.timedelta(minutes=n % 5000),
            "updated_at": now,
        }
        for n in range(count)
    ]
    for start in range(0, count, 10_000):
        session.execute(insert(ContentItem), rows[start : start + 10_000])
    return list(
        session.scalars(
            select(ContentItem.id)
            .where(ContentItem.author_id == author_id)
            .order_by(ContentItem.id)
        )
    )


def _bulk_reports(session, content_ids: list[int], now: dt.datetime, rng: random.Random) -> None:  # noqa: ANN001
    from sqlalchemy import insert

    from qinglang.authority.models import AuthorityReport
    from qinglang.authority.service import routing_in_force

    departments = routing_in_force().departments
    batch = []
    for content_id in content_ids:
        department = rng.choice(departments)
        filed_at = now - dt.timedelta(seconds=rng.randrange(90 * 86400))
        status = rng.choice(("received", "acknowledged", "investigating", "closed"))
        batch.append(
            {
                "content_id": content_id,
                "category": rng.choice(_CATEGORIES),
                "severity": "high",
                "rule_id": "MR-7.1",
                "rule_version": 1,
                "summary": "基准测试",
                "evidence_ref": None,
                "department_id": department.id,
                "department_kind": department.kind,
                "district": department.district or rng.choice(_DISTRICTS),
                "content_snapshot": {"body": "基准测试内容"},
                "routing": {},
                "content_created_at": filed_at - dt.timedelta(minutes=rng.randrange(1, 600)),
                "filed_at": filed_at,
                "filed_by": None,
                "status": status,
                "status_changed_at": filed_at,
                "acknowledged_at": None
                if status == "received"
                else filed_at + dt.timedelta(hours=2),
                "closed_at": None,
                "delivery_state": "inbox_only",
            }
        )
        if len(batch) == 10_000:
            session.execute(insert(AuthorityReport), batch)
            batch = []
    if batch:
        session.execute(insert(AuthorityReport), batch)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(authority, name="authority")

    @bench.command("authority")
    def bench_authority(
        database_url: str = typer.Option(
            "", help="Default: a fresh SQLite file in a temporary folder."
        ),
        reports: int = typer.Option(
            100_000, min=1000, help="Reports in the database for the inbox figures."
        ),
        filings: int = typer.Option(
            2000, min=10, help="Items filed through file_report, one transaction each."
        ),
        lists: int = typer.Option(500, min=10, help="Inbox pages read per caller."),
    ) -> None:
        """Reports filed per second, and inbox page p50/p99 with many reports in the database."""
        from sqlalchemy import func, select, text

        from qinglang.authority import schemas, service, supervision
        from qinglang.authority.models import AuthorityMembership, AuthorityReport, ReportStatus
        from qinglang.authority.settings import get_authority_settings
        from qinglang.cli.database import migrate_database
        from qinglang.db import transaction, utcnow
        from qinglang.identity import service as identity_service
        from qinglang.identity.models import Role
        from qinglang.runtime import build_runtime
        from qinglang.settings import Settings

        rng = random.Random(11)
        zone = get_authority_settings().zone
        with tempfile.TemporaryDirectory() as folder:
            url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
            settings = Settings(database_url=url, var_dir=Path(folder), password_hash_cost=1024)
            migrate_database(settings)
            runtime = build_runtime(settings)
            run_id = rng.randrange(10**6)
            now = utcnow()
            try:
                with transaction(runtime.sessions) as session:
                    author = identity_service.register(
                        session,
                        settings,
                        handle=f"bench_author{run_id}",
                        password="bench-password",
                        mobile=f"1370{run_id:06d}0",
                    )
                    official = identity_service.register(
                        session,
                        settings,
                        handle=f"bench_official{run_id}",
                        password="bench-password",
                        mobile=f"1371{run_id:06d}0",
                        role=Role.AUTHORITY,
                    )
                    admin = identity_service.register(
                        session,
                        settings,
                        handle=f"bench_admin{run_id}",
                        password="bench-password",
                        mobile=f"1372{run_id:06d}0",
                        role=Role.ADMIN,
                    )
                    for department_id in ("cyberspace-310115", "police-310115"):
                        session.add(
                            AuthorityMembership(account_id=official.id, department_id=department_id)
                        )
                    content_ids = _seed(session, author.id, reports, now)
                    official_id, admin_id = official.id, admin.id

                regions = itertools.cycle(("310115", "310101", "320102", None))
                categories = itertools.cycle(_CATEGORIES)
                filed = 0
                started = time.perf_counter()
                for content_id in content_ids[:filings]:
                    with transaction(runtime.sessions) as session:
                        filed += len(
                            service.file_report(
                                session,
                                content_id=content_id,
                                category=next(categories),
                                severity="severe",
                                rule_id="MR-7.1",
                                rule_version=1,
                                summary="基准测试",
                                evidence_ref=None,
                                author_region_code=next(regions),
                            )
                        )
                filing_seconds = time.perf_counter() - started

                with transaction(runtime.sessions) as session:
                    _bulk_reports(session, content_ids[filings:], now, rng)
                    # Fresh planner statistics, as autovacuum would give a real database.
                    session.execute(text("ANALYZE"))
                with transaction(runtime.read_sessions) as session:
                    total = session.scalar(select(func.count(AuthorityReport.id)))

                filters = (
                    service.InboxFilter(),
                    service.InboxFilter(category="illegal.false_information"),
                    service.InboxFilter(status=ReportStatus.RECEIVED),
                    service.InboxFilter(district="310115"),
                    service.InboxFilter(filed_from=now - dt.timedelta(days=7)),
                )
                timings: dict[str, list[float]] = {}
                for caller_name, caller_id in (("official", official_id), ("admin", admin_id)):
                    latencies = []
                    for n in range(lists):
                        began = time.perf_counter()
                        with transaction(runtime.read_sessions) as session:
                            caller = identity_service.get(session, caller_id)
                            page = service.inbox(
                                session, caller, filters[n % len(filters)], limit=50
                            )
                            [schemas.Report.model_validate(r) for r in page]
                        latencies.append(time.perf_counter() - began)
                    timings[caller_name] = sorted(latencies)

                began = time.perf_counter()
                with transaction(runtime.read_sessions) as session:
                    today = now.astimezone(zone).date()
                    figures = supervision.figures(
                        session,
                        period_from=today - dt.timedelta(days=29),
                        period_to=today,
                        zone=zone,
                        departments=None,
                    )
                supervision_seconds = time.perf_counter() - began
            finally:
                runtime.close()
        engine = url.split(":", 1)[0]
        typer.echo(f"bench authority  engine={engine} reports_in_db={total} filings={filings}")
        typer.echo(
            f"  filing      {filings / filing_seconds:,.0f} items/s  "
            f"{filed / filing_seconds:,.0f} reports/s  ({filed} reports, one transaction per item)"
        )
        for caller_name, ordered in timings.items():
            typer.echo(
                f"  inbox {caller_name:<8} p50 {percentile(ordered, 0.5) * 1000:.1f} ms   "
                f"p99 {percentile(ordered, 0.99) * 1000:.1f} ms   "
                f"(50 per page, {len(ordered)} pages)"
            )
        typer.echo(
            f"  supervision 30 days, {figures.total} reports: {supervision_seconds * 1000:.0f} ms"
        )
