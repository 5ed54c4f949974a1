"""``qinglang serve --workers N``: N processes, each with its own listening socket on the same
port (SO_REUSEPORT), all stopped by one signal to the parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from qinglang.cli import workers
from qinglang.cli.bench_http import free_port


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not workers.available() or not Path("/proc").is_dir(), reason="needs SO_REUSEPORT and /proc")
def test_two_serving_processes_share_a_port_and_stop_together(tmp_path) -> None:
    env = {**os.environ, "QINGLANG_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
           "QINGLANG_VAR_DIR": str(tmp_path), "QINGLANG_RUN_PERIODIC_TASKS": "false"}
    subprocess.run([sys.executable, "-m", "qinglang", "migrate"], env=env, check=True, capture_output=True)
    port = free_port()
    parent = subprocess.Popen([sys.executable, "-c", f"from qinglang.cli.workers import serve; "
                               f"serve('127.0.0.1', {port}, 2)"], env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the servers did not come up"
            time.sleep(0.3)
        processes = [pid for pid in _children(parent.pid)
                     if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
        assert len(processes) == 2
        # Fresh connections land on either process; every one is answered.
        assert all(httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200 for _ in range(20))
    finally:
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=30)
    assert parent.returncode == 0
    assert not [pid for pid in processes if Path(f"/proc/{pid}").exists()], "a serving process outlived the parent"
