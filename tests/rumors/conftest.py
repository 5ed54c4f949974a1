"""Stream delivery inside the test's transaction, with the rumour and feed consumers."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from qinglang.feed.tasks import learn_from_engagement
from qinglang.rumors.tasks import index_published, send_corrections, sweep_new_claim
from qinglang.stream.config import StreamSettings
from qinglang.stream.consumers import Registry
from qinglang.stream.inprocess import InProcessDispatcher


@pytest.fixture
def deliver(db: Session, app) -> InProcessDispatcher:  # noqa: ANN001 - the app configures the sweep's gate
    sessions = sessionmaker(bind=db.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    registry = Registry()
    registry.register("claim-index", ("content.published",), index_published)
    registry.register("rumor-sweep", ("rumors.claim_added",), sweep_new_claim)
    registry.register("corrections", ("content.ruled_false",), send_corrections)
    registry.register("feed-signals", ("engagement.>",), learn_from_engagement)
    return InProcessDispatcher(sessions, registry, StreamSettings())
