"""Which transport a process runs in the background, chosen by ``QINGLANG_STREAM_URL``."""

from __future__ import annotations

from typing import Protocol

from qinglang.db import make_sessionmaker, read_only
from qinglang.runtime import Runtime
from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import load_consumers


class Background(Protocol):
    def start(self) -> None: ...

    def stop(self, timeout: float = 5.0) -> None: ...


def background_for(runtime: Runtime, settings: StreamSettings | None = None) -> Background | None:
    """In-process delivery by default; with a broker URL, only the relay (workers consume)."""
    settings = settings or StreamSettings()
    if not settings.in_process:
        return None
    if settings.uses_jetstream:
        from qinglang.stream.jetstream import RelayThread

        return RelayThread(runtime.sessions, settings)
    from qinglang.stream.inprocess import InProcessDispatcher

    return InProcessDispatcher(
        runtime.sessions,
        load_consumers(),
        settings,
        read_sessions=make_sessionmaker(read_only(runtime.engine)),
    )
