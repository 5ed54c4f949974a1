"""``qinglang compliance report``: the compliance page as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import typer

compliance_app = typer.Typer(help="The compliance report.", no_args_is_help=True)


@compliance_app.command("report")
def report(
    output: Path = typer.Option(Path("compliance-report.html"), "-o", "--output", help="Where to write the HTML."),
    lang: str = typer.Option("zh-CN", help="zh-CN or en."),
    tests: Path | None = typer.Option(None, help="The test sources to scan (default: the checkout's tests/)."),
) -> None:
    """Every requirement ID with its live figure and the tests that cover it."""
    from markupsafe import Markup

    from qinglang.db import make_engine, make_sessionmaker
    from qinglang.settings import get_settings
    from qinglang.web import compliance, i18n, rendering

    if lang not in i18n.LANGUAGES:
        raise typer.BadParameter(f"lang must be one of {', '.join(i18n.LANGUAGES)}")
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            built = compliance.build(session, settings, tests)
    finally:
        engine.dispose()
    css = (rendering.TEMPLATES.parent / "static" / "app.css").read_text(encoding="utf-8")
    html = rendering.render_html(
        "compliance/standalone.html", {"t": i18n.translator(lang), "lang": lang, "report": built, "css": Markup(css)}
    )
    output.write_text(html, encoding="utf-8")
    typer.echo(
        f"{output}: {len(built.rows)} requirements, {built.count('met')} met, "
        f"{built.count('attention')} need attention, {built.count('pending')} not yet built"
    )


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(compliance_app, name="compliance")
