"""``qinglang review``: post-review backfills (R9.5) and the staffing report (R11.2)."""

from __future__ import annotations

import typer

review_app = typer.Typer(help="Post review and the review team.", no_args_is_help=True)


@review_app.command("rereview")
def rereview(
    reason: str = typer.Option("manual", help="policy, model, lexicon, rumour, complaint or manual."),
    job: int = typer.Option(0, help="Resume this job instead of starting one."),
    batch: int = typer.Option(200, min=1, max=5000, help="Items per transaction."),
) -> None:
    """Re-judge published content with the policy, models and lexicon in force, with progress."""
    from qinglang.db import transaction
    from qinglang.review import tasks
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    if reason not in tasks.REASONS:
        raise typer.BadParameter(f"reason must be one of {', '.join(tasks.REASONS)}")
    runtime = build_runtime(get_settings())
    try:
        with transaction(runtime.sessions) as session:
            record = tasks.get_job(session, job) if job else tasks.create_job(session, reason)
            job_id, remaining = record.id, max(record.total - record.processed, 0)
        with typer.progressbar(length=remaining, label=f"re-review job {job_id}", show_pos=True) as bar:
            result = tasks.run_job(runtime.sessions, runtime.settings, runtime.gate, job_id, batch=batch,
                                   progress=bar.update)
    finally:
        runtime.close()
    typer.echo(f"job {result.id}: {result.status}, {result.processed} items re-judged, {result.changed} changed")


@review_app.command("staffing")
def staffing_report(days: int = typer.Option(7, min=1, max=90)) -> None:
    """Throughput per reviewer, backlog, time to decision and the headcount the volume needs."""
    from qinglang.db import make_engine, make_sessionmaker
    from qinglang.review import staffing
    from qinglang.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            report = staffing.report(session, settings, days=days)
    finally:
        engine.dispose()
    typer.echo(f"last {days} days: {report.cases_created} cases in, {report.cases_decided} decided; "
               f"backlog {report.backlog} ({report.overdue} overdue)")
    typer.echo(f"incoming {report.incoming_per_day:.1f}/day; reviewers active {report.reviewers_active}, "
               f"needed {report.reviewers_needed:.2f}")
    for reviewer_id, count in sorted(report.decisions_per_reviewer.items()):
        typer.echo(f"  reviewer {reviewer_id}: {count} decisions")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
