"""``qinglang lexicon``: the platform's own terms (import, list, add, remove, versions)."""

from __future__ import annotations

from pathlib import Path

import typer

lexicon_app = typer.Typer(help="Lexicon terms on top of the shipped curated lists (R7.1).", no_args_is_help=True)


def _unit_of_work():  # noqa: ANN202 - a context manager over a fresh engine
    from contextlib import contextmanager

    from qinglang.db import make_engine, make_sessionmaker, transaction
    from qinglang.settings import get_settings

    @contextmanager
    def scope():  # noqa: ANN202
        engine = make_engine(get_settings().database_url)
        try:
            with transaction(make_sessionmaker(engine)) as session:
                yield session
        finally:
            engine.dispose()

    return scope()


def _fail(error: Exception) -> None:
    typer.echo(f"error [{getattr(error, 'code', 'error')}]: {getattr(error, 'message', error)}", err=True)
    raise typer.Exit(2)


@lexicon_app.command("import")
def import_file(
    file: Path = typer.Argument(..., help="TXT (one term a line) or CSV (term,category,tier,variants)."),
    category: str = typer.Option("", help="TXT only: the category of every term."),
    tier: str = typer.Option("weak", help="TXT only: block, weak or allow."),
) -> None:
    """Import terms; terms already active are skipped."""
    from qinglang.detection import service
    from qinglang.errors import QinglangError

    fmt = "csv" if file.suffix.lower() == ".csv" else "txt"
    try:
        content = file.read_text(encoding="utf-8")
        with _unit_of_work() as session:
            version, read, added = service.import_text(
                session, fmt=fmt, content=content, category=category or None, tier=tier, source=file.name, actor_id=None
            )
            typer.echo(f"read {read} terms, added {added} (lexicon version {version.id})")
    except (QinglangError, OSError) as error:
        _fail(error)


@lexicon_app.command("add")
def add(
    term: str,
    category: str = typer.Option(...),
    tier: str = typer.Option("block"),
    variant: list[str] = typer.Option([], help="pinyin, initials or homophone; repeatable."),
) -> None:
    """Add one term."""
    from qinglang.detection import service
    from qinglang.errors import QinglangError

    try:
        with _unit_of_work() as session:
            added = service.add_term(session, term=term, category=category, tier=tier, variants=variant, actor_id=None)
            typer.echo(
                f"added term {added.id}: {added.term} ({added.category}/{added.tier}) in version {added.added_in}"
            )
    except QinglangError as error:
        _fail(error)


@lexicon_app.command("remove")
def remove(term_id: int) -> None:
    """Remove one term by its ID (the row is kept, marked with the version that removed it)."""
    from qinglang.detection import service
    from qinglang.errors import QinglangError

    try:
        with _unit_of_work() as session:
            version = service.remove_term(session, term_id, None)
            typer.echo(f"removed term {term_id} in version {version.id}")
    except QinglangError as error:
        _fail(error)


@lexicon_app.command("list")
def list_terms(
    category: str = typer.Option("", help="Only this category."), limit: int = typer.Option(50, min=1)
) -> None:
    """List active terms."""
    from qinglang.detection import service

    with _unit_of_work() as session:
        for term in service.active_terms(session, category=category or None, limit=limit):
            typer.echo(f"{term.id:>6}  {term.tier:<5}  {term.category:<28} {term.term}  {term.variants}")


@lexicon_app.command("versions")
def list_versions() -> None:
    """The history of lexicon changes."""
    from qinglang.detection import service

    with _unit_of_work() as session:
        for version in service.versions(session):
            typer.echo(
                f"v{version.id:<5} {version.created_at:%Y-%m-%d %H:%M}  +{version.added} -{version.removed}  "
                f"{version.summary}"
            )


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(lexicon_app, name="lexicon")
