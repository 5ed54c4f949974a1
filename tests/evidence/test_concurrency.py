"""R14.3: writers appending at the same time never fork the chain or leave a gap."""

from __future__ import annotations

import threading

import pytest

from qinglang.db import make_sessionmaker, transaction
from qinglang.evidence import service
from tests.evidence.conftest import fresh_database


@pytest.fixture
def committed_engine(settings, engine, tmp_path):  # noqa: ANN001, ANN201
    """Its own database: these appends commit, and committed evidence cannot be deleted."""
    yield from fresh_database(settings, tmp_path)


def test_concurrent_appends_form_one_gapless_chain(committed_engine) -> None:
    sessions = make_sessionmaker(committed_engine)
    writers, per_writer = 8, 25
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def append(writer: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                with transaction(sessions) as session:
                    service.record(session, tag="content:post:submitted", subject_type="content",
                                   subject_id=writer * 1000 + n, actor_id=writer, payload={"n": n})
        except BaseException as error:  # surfaced below; a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=append, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(sessions) as session:
        result = service.verify(session)
        assert result.ok, result.problem
        assert (result.count, result.first_seq, result.last_seq) == (200, 1, 200)
