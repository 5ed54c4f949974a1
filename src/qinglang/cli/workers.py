"""Several serving processes on one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's own ``--workers`` shares one socket, and whichever process accepts first takes the
connection: with a few dozen keep-alive clients one process could hold four fifths of them while
the other idled (measured with ``qinglang bench submit``). With a socket per process the kernel
spreads new connections over the processes by their addresses, as nginx or gunicorn do with
``reuse_port``. Where the platform has no SO_REUSEPORT, uvicorn's workers are used instead.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from types import FrameType

APP = "qinglang.app:create_app"


def available() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def serve(host: str, port: int, workers: int) -> None:
    """Run ``workers`` processes until interrupted; a signal to this process stops them all."""
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_serve_one, args=(host, port), name=f"qinglang-serve-{n}")
                 for n in range(workers)]
    for process in processes:
        process.start()

    def stop(signum: int, _frame: FrameType | None) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # uvicorn shuts down gracefully on SIGTERM

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()


def _serve_one(host: str, port: int) -> None:
    import uvicorn

    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    listener.listen(2048)
    config = uvicorn.Config(APP, factory=True, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])
