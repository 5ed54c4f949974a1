"""``qinglang feed``: interventions from the command line; ``bench feed``."""

from __future__ import annotations

from typing import Annotated

import typer

feed_app = typer.Typer(help="Governed recommendation.", no_args_is_help=True)


@feed_app.command("interventions")
def interventions(all_: Annotated[bool, typer.Option("--all", help="Include expired and revoked.")] = False) -> None:
    """List staff interventions (R12.2)."""
    from qinglang.db import make_engine, make_sessionmaker
    from qinglang.feed import service
    from qinglang.settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            for i in service.interventions(session, active_only=not all_, limit=1000):
                state = "revoked" if i.revoked_at else f"until {i.expires_at:%Y-%m-%d %H:%M}"
                typer.echo(f"{i.id}\t{i.action}\t{i.surface}\titem {i.content_id}\t{state}\t{i.reason}")
    finally:
        engine.dispose()


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(feed_app, name="feed")

    @bench.command("feed")
    def bench_feed(items: Annotated[int, typer.Option(min=100)] = 1_000_000,
                   requests: Annotated[int, typer.Option(min=10)] = 500,
                   database_url: Annotated[str | None, typer.Option(help="Default: a scratch SQLite file.")]
                   = None) -> None:
        """Home-feed request latency (p50/p99) with a large candidate table."""
        from qinglang.feed import bench as feed_bench
        from qinglang.rumors import bench as rumors_bench
        from qinglang.settings import Settings

        with rumors_bench.scratch(database_url) as engine:
            settings = Settings(database_url=str(engine.url), feed_pool_seconds=3600)
            with typer.progressbar(length=items, label="storing items") as bar:
                result = feed_bench.bench_feed(engine, settings, items=items, requests=requests,
                                               progress=bar.update)
        typer.echo(f"{result['items']:.0f} candidate items, {result['requests']:.0f} requests: pool built in "
                   f"{result['pool_build_s']:.2f} s; p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms")
