"""``qinglang policy check|backtest|publish|show``."""

from __future__ import annotations

from pathlib import Path

import typer

policy_app = typer.Typer(help="Governance policy: validate, backtest and publish (R9.1).", no_args_is_help=True)


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except OSError as error:
        raise typer.BadParameter(f"cannot read {file}: {error.strerror}") from None


@policy_app.command("check")
def check(file: Path = typer.Argument(..., help="Policy YAML."),
          offline: bool = typer.Option(False, help="Do not check cited rules against the database.")) -> None:
    """Validate a policy file; problems are printed as FILE:LINE:COLUMN with a hint."""
    from qinglang.policy import service as policy_service
    from qinglang.policy.compiler import PolicyInvalid, compile_policy

    text = _read(file)
    try:
        if offline:
            policy = compile_policy(text)
        else:
            from qinglang.db import make_engine, make_sessionmaker
            from qinglang.settings import get_settings

            engine = make_engine(get_settings().database_url)
            try:
                with make_sessionmaker(engine)() as session:
                    policy = policy_service.check(session, text)
            finally:
                engine.dispose()
    except PolicyInvalid as error:
        for problem in error.problems:
            typer.echo(problem.render(str(file)), err=True)
        typer.echo(f"{len(error.problems)} problem(s); the policy is not valid", err=True)
        raise typer.Exit(1) from None
    shadow = sum(rule.shadow for rule in policy.rules)
    typer.echo(f"{file}: valid policy '{policy.name}' with {len(policy.rules)} rules ({shadow} in shadow mode)")


@policy_app.command("backtest")
def backtest(file: Path = typer.Argument(..., help="Draft policy YAML."),
             limit: int = typer.Option(0, min=0, help="Stop after this many items (0: all)."),
             examples: int = typer.Option(10, min=0, help="Changed items to list.")) -> None:
    """Replay a draft over every decided item's stored facts and print what would change."""
    from qinglang.db import make_engine, make_sessionmaker
    from qinglang.policy import service as policy_service
    from qinglang.policy.compiler import PolicyInvalid
    from qinglang.settings import get_settings

    text = _read(file)
    engine = make_engine(get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            try:
                draft = policy_service.check(session, text)
            except PolicyInvalid as error:
                for problem in error.problems:
                    typer.echo(problem.render(str(file)), err=True)
                raise typer.Exit(1) from None
            total = min(limit, policy_service.decided_items(session)) if limit else \
                policy_service.decided_items(session)
            with typer.progressbar(length=total, label="replaying", show_pos=True) as bar:
                result = policy_service.backtest(session, draft, limit=limit or None, examples=examples,
                                                 progress=lambda n: bar.update(1))
    finally:
        engine.dispose()
    rate = result.items / result.seconds if result.seconds else 0
    typer.echo(f"{result.items} items replayed in {result.seconds:.2f} s ({rate:,.0f} items/s); "
               f"{result.changed} would change")
    for transition, count in result.by_transition.most_common():
        typer.echo(f"  {transition:<20} {count}")
    for example in result.examples:
        typer.echo(f"  item {example['content_id']}: {example['current']} -> {example['draft']} "
                   f"({', '.join(example['rules']) or 'no rule'})")


@policy_app.command("publish")
def publish(file: Path = typer.Argument(...), summary: str = typer.Option("", help="What changed.")) -> None:
    """Publish a policy version; the service picks it up within seconds."""
    from qinglang.db import make_engine, make_sessionmaker, transaction
    from qinglang.errors import QinglangError
    from qinglang.policy import service as policy_service
    from qinglang.settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            record = policy_service.publish(session, _read(file), summary=summary or None)
            typer.echo(f"published policy {record.name} v{record.version}")
    except QinglangError as error:
        for problem in error.detail or []:
            typer.echo(f"{file}:{problem['line']}:{problem['column']}: {problem['path']}: {problem['message']}",
                       err=True)
        typer.echo(f"error [{error.code}]: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@policy_app.command("show")
def show() -> None:
    """Print the policy in force."""
    from qinglang.db import make_engine, make_sessionmaker
    from qinglang.policy import service as policy_service
    from qinglang.settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            record = policy_service.current_version(session)
            typer.echo(record.text if record else "no policy published; run 'qinglang migrate'")
    finally:
        engine.dispose()


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")
