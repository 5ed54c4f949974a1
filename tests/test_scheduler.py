"""Embedded periodic work (R9.5, R14.4): one tick advances pending re-review jobs."""

from qinglang import scheduler
from qinglang.db import make_sessionmaker
from qinglang.review import tasks
from qinglang.runtime import Runtime
from tests.identity.builders import publisher
from tests.review.builders import post


def test_a_tick_runs_pending_rereview_jobs(client, db, runtime) -> None:
    post(client, publisher(client), "周末去郊外爬山，山顶的风景很美。")
    job = tasks.create_job(db, "manual")
    db.commit()
    factory = make_sessionmaker(db.bind)
    joined = Runtime(settings=runtime.settings, engine=runtime.engine, sessions=factory, read_sessions=factory,
                     verifier=runtime.verifier, policies=runtime.policies, detectors=runtime.detectors,
                     gate=runtime.gate)
    scheduler.tick(joined)
    db.commit()
    db.expire_all()
    assert tasks.get_job(db, job.id).status == "done"
