"""``qinglang migrate`` and ``qinglang demo``."""

from __future__ import annotations

import typer

from qinglang.settings import Settings


def migrate_database(settings: Settings) -> None:
    """Upgrade the schema and publish the shipped rule documents where none exist yet."""
    from qinglang import migrations
    from qinglang.db import make_engine, make_sessionmaker, transaction
    from qinglang.policy import service as policy_service
    from qinglang.rules import service as rules_service

    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        migrations.upgrade(engine)
        with transaction(make_sessionmaker(engine)) as session:
            for document in rules_service.install_shipped_documents(session):
                typer.echo(f"published {document.slug} v{document.version}")
            # The policy cites the published rules, so it comes after them.
            if (policy := policy_service.install_shipped_policy(session)) is not None:
                typer.echo(f"published policy {policy.name} v{policy.version}")
    finally:
        engine.dispose()


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command()
    def migrate() -> None:
        """Create or upgrade the database schema (SQLite or PostgreSQL) and publish shipped rules."""
        from qinglang.settings import get_settings

        migrate_database(get_settings())
        typer.echo("database is up to date")

    @app.command()
    def demo(
        if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when accounts already exist."),
    ) -> None:
        """Load a small demo platform: staff, users with verified identity, posts and replies."""
        from qinglang.db import transaction
        from qinglang.demo import DEMO_PASSWORD, load_demo
        from qinglang.runtime import build_runtime
        from qinglang.settings import get_settings

        settings = get_settings()
        migrate_database(settings)
        runtime = build_runtime(settings)
        try:
            with transaction(runtime.sessions) as session:
                created = load_demo(session, runtime, only_if_empty=if_empty)
        finally:
            runtime.close()
        if not created:
            typer.echo("demo: accounts already exist, nothing loaded")
            return
        typer.echo(f"demo loaded: {len(created)} accounts, password '{DEMO_PASSWORD}' (demo only)")
        for handle, role in created:
            typer.echo(f"  {handle:<10} {role}")
