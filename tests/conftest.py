"""Test isolation: one database built by the migrations per run, one rolled-back transaction per
test. ``QINGLANG_TEST_DATABASE_URL`` picks the engine (a fresh SQLite file by default; CI also
runs the suite on PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from qinglang import migrations
from qinglang.app import create_app
from qinglang.content.models import ContentItem
from qinglang.db import make_engine, make_sessionmaker, transaction
from qinglang.deps import db_session
from qinglang.detection.cascade import Detector
from qinglang.detection.service import DetectorHolder
from qinglang.identity.verifier import OfflineVerifier
from qinglang.intake import Intake
from qinglang.pipeline import Draft, PolicyGate
from qinglang.policy import service as policy_service
from qinglang.policy.service import PolicyHolder
from qinglang.rules import service as rules_service
from qinglang.runtime import Runtime, detector_factory
from qinglang.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("QINGLANG_TEST_DATABASE_URL", "")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def reset_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=_test_database_url(tmp_path_factory),
        var_dir=tmp_path_factory.mktemp("var"),
        secret_key="test-secret-key-" + "x" * 32,
        password_hash_cost=1024,  # the default is deliberately slow; tests need speed, not strength
        # Tests run tasks explicitly: a background thread writing beside the test's open
        # transaction would wait on it.
        run_periodic_tasks=False,
    )


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    if engine.dialect.name == "postgresql":
        try:
            reset_postgres(engine)
        except sa.exc.OperationalError as error:
            if os.environ.get("CI"):
                raise
            pytest.skip(f"PostgreSQL is not reachable at {settings.database_url}: {error}")
    migrations.upgrade(engine)
    with transaction(make_sessionmaker(engine)) as session:
        rules_service.install_shipped_documents(session)
        policy_service.install_shipped_policy(session)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session")
def detector() -> Detector:
    """Built once: it compiles the lexicon automaton and loads the shipped models."""
    return Detector()


@pytest.fixture
def runtime(settings: Settings, engine: Engine, detector: Detector) -> Runtime:
    factory = make_sessionmaker(engine)
    # ttl=0: tests publish policies and lexicon terms and expect them in force at once.
    policies = PolicyHolder(ttl=0)
    detectors = DetectorHolder(detector_factory(detector), ttl=0)
    return Runtime(settings=settings, engine=engine, sessions=factory, read_sessions=factory,
                   verifier=OfflineVerifier(), policies=policies, detectors=detectors,
                   gate=PolicyGate(detectors, policies))


@pytest.fixture
def app(runtime: Runtime, db: Session):  # noqa: ANN201 - FastAPI app
    app = create_app(runtime=runtime)

    def test_session() -> Iterator[Session]:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise

    @contextmanager
    def test_unit_of_work() -> Iterator[Session]:
        with contextmanager(test_session)() as session:
            yield session

    app.dependency_overrides[db_session] = test_session
    # Submissions are judged in the request's thread inside the test's transaction, with the
    # settings in force now (tests change them).
    app.state.intake = _IntakeInTransaction(test_unit_of_work, runtime)
    return app


class _IntakeInTransaction:
    """A fresh unthreaded intake per submission, on the test's transaction and current settings."""

    def __init__(self, unit_of_work: Callable[[], AbstractContextManager[Session]], runtime: Runtime) -> None:
        self._unit_of_work = unit_of_work
        self._runtime = runtime

    async def submit_async(self, token: str, draft: Draft) -> ContentItem:
        intake = Intake(self._unit_of_work, self._runtime.settings, self._runtime.gate, threaded=False)
        return await intake.submit_async(token, draft)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app) as test_client:
        yield test_client
