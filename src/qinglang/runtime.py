"""The objects one running qinglang shares: settings, database, verifier, submission gate.

Built by the app factory, the CLI and tests from a Settings object; nothing here is created at
import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import make_engine, make_sessionmaker, read_only
from qinglang.identity.verifier import IdentityVerifier, load_verifier
from qinglang.pipeline import Gate, PublishGate
from qinglang.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    verifier: IdentityVerifier
    gate: Gate = field(default_factory=PublishGate)

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings, *, gate: Gate | None = None) -> Runtime:
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        read_sessions=make_sessionmaker(read_only(engine)),
        verifier=load_verifier(settings.identity_verifier),
        gate=gate or PublishGate(),
    )
