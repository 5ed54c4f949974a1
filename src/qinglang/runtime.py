"""The objects one running qinglang shares: settings, database, verifier, submission gate.

Built by the app factory, the CLI and tests from a Settings object; nothing here is created at
import time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import make_engine, make_sessionmaker, read_only
from qinglang.identity.verifier import IdentityVerifier, load_verifier
from qinglang.pipeline import Gate, PolicyGate
from qinglang.policy.service import PolicyHolder
from qinglang.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    verifier: IdentityVerifier
    policies: PolicyHolder
    gate: Gate

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings, *, gate: Gate | None = None) -> Runtime:
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    policies = PolicyHolder()
    if gate is None:
        from qinglang.detection.cascade import Detector

        gate = PolicyGate(Detector(), policies)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        read_sessions=make_sessionmaker(read_only(engine)),
        verifier=load_verifier(settings.identity_verifier),
        policies=policies,
        gate=gate,
    )
