"""The ``qinglang`` command. One module per command group; each exposes ``register(app, bench)``.

Commands are thin: they open a unit of work (``qinglang.db.transaction``), call services and
print. Nothing connects until a command runs.
"""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES = (
    "qinglang.cli.server",
    "qinglang.cli.database",
    "qinglang.cli.accounts",
    "qinglang.cli.bench_submit",
    "qinglang.cli.bench_backtest",
    "qinglang.cli.policy",
    "qinglang.cli.lexicon",
    "qinglang.cli.review",
    "qinglang.cli.stream",
    "qinglang.cli.evidence",
    "qinglang.cli.authority",
    "qinglang.cli.detection",
    "qinglang.cli.models",
    "qinglang.cli.complaints",
    "qinglang.cli.credit",
    "qinglang.cli.rumors",
    "qinglang.cli.feed",
    "qinglang.cli.compliance",
)

app = typer.Typer(
    help="qinglang: governance of false and illegal information (see README.md).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
bench = typer.Typer(help="Benchmarks: throughput and latency percentiles.", no_args_is_help=True)
app.add_typer(bench, name="bench")

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app, bench)


def main() -> None:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        app()
    except (OperationalError, ProgrammingError) as error:
        # A database the migrations have not built (or not finished) fails on its first query;
        # say what to do instead of printing the driver's traceback.
        text = str(error.orig) if error.orig is not None else str(error)
        if "no such table" in text or "does not exist" in text:
            typer.echo(f"error: the database has no qinglang tables yet ({text.splitlines()[0]}); "
                       "run 'qinglang migrate' first", err=True)
            raise SystemExit(2) from None
        raise
