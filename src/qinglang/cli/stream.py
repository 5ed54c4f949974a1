"""``qinglang stream worker|relay|status|retry-failed`` and ``qinglang bench stream``."""

from __future__ import annotations

import asyncio
import hashlib
import signal
import sys
import threading

import typer
from sqlalchemy.orm import Session

from qinglang.stream.consumers import Registry, StreamMessage

# About a millisecond of CPU per item, the order of what detection costs on a short post: with a
# handler that does nothing, any broker would look slow in proportion.
PLACEHOLDER_ROUNDS = 1000


def placeholder_inspection(session: Session, message: StreamMessage) -> None:
    """Stand-in for the detection cascade in ``bench stream``: hashes the text repeatedly."""
    digest = str(message.payload.get("body", "")).encode()
    for _ in range(PLACEHOLDER_ROUNDS):
        digest = hashlib.sha256(digest).digest()


def _registry(load: list[str], consumers: list[str], handler: str, subjects: list[str]) -> Registry:
    from qinglang.stream.consumers import load_consumers, load_handler

    registry = load_consumers(load)
    if handler:
        if len(consumers) != 1 or not subjects:
            raise typer.BadParameter(
                "--handler needs exactly one --consumer and at least one --subject"
            )
        registry.register(consumers[0], subjects, load_handler(handler))
    return registry


def register(app: typer.Typer, bench: typer.Typer) -> None:
    stream = typer.Typer(
        help="After-commit messaging: workers, relay, outbox status.", no_args_is_help=True
    )
    app.add_typer(stream, name="stream")

    @stream.command()
    def worker(
        consumer: list[str] = typer.Option(
            [], "--consumer", help="Consumer to run (repeatable; default all)."
        ),
        load: list[str] = typer.Option([], "--load", help="Extra module registering consumers."),
        handler: str = typer.Option("", help="module:function: run it as --consumer on --subject."),
        subject: list[str] = typer.Option([], "--subject", help="Subject pattern for --handler."),
        relay: bool = typer.Option(True, help="Also relay the outbox to JetStream."),
    ) -> None:
        """Consume the stream: JetStream durable pull consumers, or the outbox in-process."""
        from qinglang.db import make_engine, make_sessionmaker, read_only
        from qinglang.settings import get_settings
        from qinglang.stream import jetstream
        from qinglang.stream.config import StreamSettings
        from qinglang.stream.inprocess import InProcessDispatcher

        registry = _registry(load, consumer, handler, subject)
        try:
            targets = [registry.get(name) for name in consumer] or list(registry)
        except KeyError as error:
            raise typer.BadParameter(str(error)) from None
        stream_settings = StreamSettings()
        engine = make_engine(get_settings().database_url)
        sessions = make_sessionmaker(engine)
        names = ", ".join(t.name for t in targets)
        try:
            if not stream_settings.uses_jetstream:
                # In-process marks a message done once every matching consumer has it, so one
                # embedded worker always serves them all.
                dispatcher = InProcessDispatcher(
                    sessions,
                    registry,
                    stream_settings,
                    read_sessions=make_sessionmaker(read_only(engine)),
                )
                for signum in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(signum, lambda *_: dispatcher.stop(timeout=0))
                typer.echo(
                    f"stream worker ready (in-process): {', '.join(c.name for c in registry)}"
                )
                dispatcher.run_forever()
                return

            async def main() -> None:
                stop = asyncio.Event()
                loop = asyncio.get_running_loop()
                for signum in (signal.SIGINT, signal.SIGTERM):
                    loop.add_signal_handler(signum, stop.set)

                def ready() -> None:
                    typer.echo(f"stream worker ready (jetstream {stream_settings.name}): {names}")
                    sys.stdout.flush()

                await jetstream.run(
                    sessions, stream_settings, targets, relay=relay, stop=stop, on_ready=ready
                )

            asyncio.run(main())
        finally:
            engine.dispose()

    @stream.command("relay")
    def relay_command() -> None:
        """Publish committed outbox rows to JetStream until stopped (one active relay at a time)."""
        from qinglang.db import make_engine, make_sessionmaker
        from qinglang.settings import get_settings
        from qinglang.stream import jetstream
        from qinglang.stream.config import StreamSettings

        stream_settings = StreamSettings()
        if not stream_settings.uses_jetstream:
            raise typer.BadParameter(
                "QINGLANG_STREAM_URL is empty: in-process workers deliver the outbox"
            )
        engine = make_engine(get_settings().database_url)

        async def main() -> None:
            stop, wakeup = asyncio.Event(), threading.Event()

            def halt() -> None:
                stop.set()
                wakeup.set()

            for signum in (signal.SIGINT, signal.SIGTERM):
                asyncio.get_running_loop().add_signal_handler(signum, halt)
            client, js = await jetstream.connect(stream_settings)
            try:
                typer.echo(f"stream relay ready (jetstream {stream_settings.name})")
                await jetstream.Relay(make_sessionmaker(engine), stream_settings).run(
                    js, stop, wakeup
                )
            finally:
                await client.close()

        try:
            asyncio.run(main())
        finally:
            engine.dispose()

    @stream.command()
    def status() -> None:
        """Outbox counts (pending, sent, set aside after failures) and processed per consumer."""
        from sqlalchemy import func, select

        from qinglang.db import make_engine, make_sessionmaker, transaction
        from qinglang.settings import get_settings
        from qinglang.stream import outbox
        from qinglang.stream.models import ProcessedMessage

        engine = make_engine(get_settings().database_url)
        try:
            with transaction(make_sessionmaker(engine)) as session:
                counts = outbox.counts(session)
                processed = session.execute(
                    select(ProcessedMessage.consumer, func.count()).group_by(
                        ProcessedMessage.consumer
                    )
                ).all()
        finally:
            engine.dispose()
        typer.echo("outbox  " + "  ".join(f"{k}={v}" for k, v in counts.items()))
        for name, count in processed:
            typer.echo(f"consumer {name}: {count} processed")

    @stream.command("retry-failed")
    def retry_failed() -> None:
        """Put messages set aside after repeated failures back in line."""
        from qinglang.db import make_engine, make_sessionmaker, transaction
        from qinglang.settings import get_settings
        from qinglang.stream import outbox

        engine = make_engine(get_settings().database_url)
        try:
            with transaction(make_sessionmaker(engine)) as session:
                typer.echo(f"{outbox.retry_failed(session)} messages queued again")
        finally:
            engine.dispose()

    @bench.command("stream")
    def bench_stream(
        items: int = typer.Option(2000, min=10, help="Messages per run."),
        handler: str = typer.Option(
            "qinglang.cli.stream:placeholder_inspection",
            help="module:function applied to each message.",
        ),
        database_url: str = typer.Option(
            "", help="Default: a fresh SQLite file in a temporary folder."
        ),
        workers: list[int] = typer.Option(
            [1, 2], "--workers", help="JetStream worker counts to try."
        ),
    ) -> None:
        """Items/s through JetStream with N worker processes vs applying the handler directly."""
        from qinglang.stream import bench as stream_bench

        stream_bench.run(
            items=items, handler=handler, database_url=database_url, worker_counts=workers
        )
