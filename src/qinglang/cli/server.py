"""``qinglang serve`` and ``qinglang openapi``."""

from __future__ import annotations

import json

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        workers: int = typer.Option(1, min=1, help="Worker processes (PostgreSQL only: SQLite has one writer)."),
        migrate: bool = typer.Option(True, help="Bring the database schema up to date first."),
    ) -> None:
        """Serve the HTTP API (and the web console) with the settings from the environment."""
        import uvicorn

        from qinglang.cli import workers as serving_processes
        from qinglang.cli.database import migrate_database
        from qinglang.settings import get_settings

        settings = get_settings()
        if migrate:
            migrate_database(settings)
        if settings.is_sqlite and workers > 1:
            typer.echo("SQLite has a single writer: serving with 1 worker.", err=True)
            workers = 1
        typer.echo(f"qinglang on http://{host}:{port} (database: {settings.database_url.split('@')[-1]})")
        if workers > 1 and serving_processes.available():
            serving_processes.serve(host, port, workers)
            return
        uvicorn.run(serving_processes.APP, factory=True, host=host, port=port, workers=workers,
                    log_level="warning", access_log=False)

    @app.command()
    def worker(interval: float = typer.Option(5.0, min=0.5, help="Seconds between ticks.")) -> None:
        """Run periodic work (report delivery, re-review jobs) until interrupted."""
        import time

        from qinglang.runtime import build_runtime
        from qinglang.scheduler import tick
        from qinglang.settings import get_settings

        runtime = build_runtime(get_settings())
        typer.echo(f"qinglang worker: a tick every {interval:g} s (Ctrl-C stops)")
        try:
            while True:
                tick(runtime)
                time.sleep(interval)
        except KeyboardInterrupt:
            pass
        finally:
            runtime.close()

    @app.command()
    def openapi() -> None:
        """Print the OpenAPI document of the HTTP API."""
        from qinglang.app import create_app

        typer.echo(json.dumps(create_app().openapi(), ensure_ascii=False, indent=2))
