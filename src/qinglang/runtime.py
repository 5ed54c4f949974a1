"""The objects one running qinglang shares: settings, database, verifier, submission gate.

Built by the app factory, the CLI and tests from a Settings object; nothing here is created at
import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import make_engine, make_sessionmaker, read_only
from qinglang.detection.service import DetectorHolder
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
    detectors: DetectorHolder
    gate: Gate

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings, *, gate: Gate | None = None) -> Runtime:
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    policies = PolicyHolder()
    detectors = DetectorHolder(detector_factory())
    gate = gate or PolicyGate(detectors, policies)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        read_sessions=make_sessionmaker(read_only(engine)),
        verifier=load_verifier(settings.identity_verifier),
        policies=policies,
        detectors=detectors,
        gate=gate,
    )


def detector_factory(base: object | None = None) -> Callable[[object | None], object]:
    """Builds the detector in force: the shipped lists and models, plus the platform's own
    lexicon terms when it has any. The trained models are loaded once and shared."""
    from qinglang.detection.cascade import Detector

    shipped = base or Detector()

    def build(platform_lexicon: object | None) -> object:
        if platform_lexicon is None or not len(platform_lexicon):  # type: ignore[arg-type]
            return shipped
        return Detector(extra_lexicons=[platform_lexicon], classifiers=shipped.suite)  # type: ignore[attr-defined]

    return build
