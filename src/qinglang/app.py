"""The app factory. ``create_app()`` builds everything from settings; importing connects nothing."""

from __future__ import annotations

import gc
import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qinglang import __version__
from qinglang.db import transaction
from qinglang.errors import QinglangError
from qinglang.intake import Intake
from qinglang.runtime import Runtime, build_runtime
from qinglang.scheduler import PeriodicTasks
from qinglang.settings import Settings, get_settings

log = logging.getLogger(__name__)

# Each domain's routes module exposes ``routers``; one line here per domain. FastAPI tries the
# routers in this order for every request, so the submission routes, the busiest, come first
# (third, they cost a fifth of the framework's time per post). No two modules share a path.
ROUTE_MODULES = (
    "qinglang.content.routes",
    "qinglang.identity.routes",
    "qinglang.rules.routes",
    "qinglang.policy.routes",
    "qinglang.review.routes",
    "qinglang.detection.routes",
    "qinglang.notices.routes",
    "qinglang.evidence.routes",
    "qinglang.stream.routes",
    "qinglang.authority.routes",
    "qinglang.complaints.routes",
    "qinglang.credit.routes",
    "qinglang.rumors.routes",
    "qinglang.feed.routes",
    "qinglang.web.routes",
)

# Pydantic error types we raise ourselves and answer with their own code.
_OWN_CODES = {"empty_text", "control_characters"}


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or (runtime.settings if runtime else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        periodic = PeriodicTasks(app.state.runtime) if app.state.runtime.settings.run_periodic_tasks else None
        if periodic is not None:
            periodic.start()
        if owns_runtime:
            _warm_up(app.state.runtime)
        app.state.intake.start()
        yield
        app.state.intake.stop()
        if periodic is not None:
            periodic.stop()
        if owns_runtime:
            app.state.runtime.close()

    owns_runtime = runtime is None
    app = FastAPI(
        title="qinglang",
        version=__version__,
        description=(
            "Governance of false and illegal information on an online content platform, "
            "following the regulation's requirement IDs (R3.1-R15.2). Errors are "
            "`{code, message, detail}` with a stable machine-readable `code`."
        ),
        lifespan=lifespan,
    )
    app.state.runtime = runtime or build_runtime(settings)
    app.state.intake = Intake(partial(transaction, app.state.runtime.sessions), app.state.runtime.settings,
                              app.state.runtime.gate)
    # Inspection workers in this process judge with this process's gate (R9.6).
    from qinglang.review import inspection

    inspection.configure(app.state.runtime.settings, app.state.runtime.gate)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    _install_error_handlers(app)

    # Before the routers: probes call it often, and routes are tried in order. Async: a plain
    # function would take a thread-pool hop.
    @app.get("/healthz", tags=["public"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    for name in ROUTE_MODULES:
        for router in importlib.import_module(name).routers:
            app.include_router(router)
    return app


def _warm_up(runtime: Runtime) -> None:
    """Build the detector and policy before the first request, then take everything built so
    far (lexicon automata, models, the claim index) out of the cyclic collector's scans with
    ``gc.freeze()``: a serving process allocates quickly, and each full collection would
    otherwise walk a few hundred thousand long-lived objects."""
    try:
        with runtime.read_sessions() as session:
            runtime.detectors.get(session)
            runtime.policies.get(session)
    except Exception:  # an unmigrated database: the first request will say so
        log.warning("could not warm up the detector and policy", exc_info=True)
    gc.collect()
    gc.freeze()


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QinglangError)
    async def domain_error(_: Request, error: QinglangError) -> JSONResponse:
        return JSONResponse(error.to_dict(), status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": list(e.get("loc", ())), "type": e.get("type"), "message": e.get("msg")}
            for e in error.errors()
        ]
        types = [p["type"] for p in problems]
        if "json_invalid" in types:
            return JSONResponse(
                {"code": "invalid_json", "message": "the body is not valid JSON", "detail": problems},
                status_code=400,
            )
        code = next((t for t in types if t in _OWN_CODES), None)
        if code is None:
            code = "unknown_field" if "extra_forbidden" in types else "invalid_input"
        message = "; ".join(f"{'.'.join(map(str, p['loc'][1:] or p['loc']))}: {p['message']}" for p in problems)
        return JSONResponse({"code": code, "message": message, "detail": problems}, status_code=422)


class BodySizeLimit:
    """Refuse bodies over the limit before the app sees them (413 ``body_too_large``).

    The body is buffered here (it is small by definition) because an error raised while the
    framework reads it would be reported as a parse error, not as a size refusal.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        body: dict[str, Any] = {
            "code": "body_too_large",
            "message": f"request bodies are limited to {self.max_bytes} bytes",
        }
        response = JSONResponse(body, status_code=413)
        await response({"type": "http"}, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}
