"""Feeds rebuild their candidate pool on every request here, so each test sees its own posts."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from qinglang.db import make_sessionmaker
from qinglang.detection.cascade import Detector
from qinglang.detection.service import DetectorHolder
from qinglang.feed.tasks import learn_from_engagement
from qinglang.identity.verifier import OfflineVerifier
from qinglang.pipeline import PolicyGate
from qinglang.policy.service import PolicyHolder
from qinglang.runtime import Runtime, detector_factory
from qinglang.settings import Settings
from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import Registry
from qinglang.stream.inprocess import InProcessDispatcher


@pytest.fixture
def runtime(settings: Settings, engine: Engine, detector: Detector) -> Runtime:
    factory = make_sessionmaker(engine)
    policies, detectors = PolicyHolder(ttl=0), DetectorHolder(detector_factory(detector), ttl=0)
    return Runtime(settings=settings.model_copy(update={"feed_pool_seconds": 0}), engine=engine, sessions=factory,
                   read_sessions=factory, verifier=OfflineVerifier(), policies=policies, detectors=detectors,
                   gate=PolicyGate(detectors, policies))


@pytest.fixture
def deliver(db: Session) -> InProcessDispatcher:
    sessions = sessionmaker(bind=db.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    registry = Registry()
    registry.register("feed-signals", ("engagement.>",), learn_from_engagement)
    return InProcessDispatcher(sessions, registry, StreamSettings())
