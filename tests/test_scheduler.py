"""Embedded periodic work (R9.5, R14.4): one tick advances pending re-review jobs."""

import subprocess
import sys

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


def test_the_first_tick_in_a_serving_process_imports_nothing(tmp_path) -> None:
    # A tick runs in a thread of the API process; an import there holds the interpreter lock for
    # tens of milliseconds and shows up as a latency spike on every request in flight.
    probe = (
        "import sys\n"
        "from qinglang.app import create_app\n"
        "from qinglang.cli.database import migrate_database\n"
        "from qinglang.scheduler import tick\n"
        "from qinglang.settings import Settings\n"
        f"settings = Settings(database_url='sqlite:///{tmp_path / 'tick.db'}', var_dir=r'{tmp_path}')\n"
        "migrate_database(settings)\n"
        "app = create_app(settings)\n"
        "before = set(sys.modules)\n"
        "tick(app.state.runtime)\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
