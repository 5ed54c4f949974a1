"""``qinglang bench submit`` drives the real HTTP API and prints throughput and percentiles."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qinglang.cli.bench_http import cpu_seconds_of_tree

LINUX_PROC = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="CPU per process is read from /proc")


def test_bench_submit_serves_publishes_and_reports_its_figures(tmp_path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "qinglang", "bench", "submit", "--requests", "60", "--concurrency", "4",
         "--users", "3"],
        capture_output=True, text=True, timeout=240, cwd=tmp_path,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "engine=sqlite requests=60 concurrency=4" in finished.stdout
    assert re.search(r"throughput\s+[\d,]+ posts/s\s+\(0 failed\)", finished.stdout)
    assert re.search(r"p50 [\d.]+ ms .*p99 [\d.]+ ms", finished.stdout)
    if Path("/proc/self/stat").exists():
        server_ms = re.search(r"cpu\s+server ([\d.]+) ms per post", finished.stdout)
        assert server_ms and float(server_ms.group(1)) > 0, finished.stdout


@LINUX_PROC
def test_cpu_of_a_process_tree_counts_its_grandchildren() -> None:
    burner = "import time\nstart = time.process_time()\nwhile time.process_time() - start < 0.6: pass\ntime.sleep(30)"
    starter = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burner!r}])"
    parent = subprocess.Popen([sys.executable, "-c", starter])
    try:
        deadline = time.monotonic() + 20
        spent = 0.0
        while time.monotonic() < deadline and spent < 0.6:
            time.sleep(0.2)
            spent = cpu_seconds_of_tree(parent.pid) or 0.0
        assert spent >= 0.6  # the grandchild's loop, not just the parent's start-up
    finally:
        subprocess.run(["pkill", "-P", str(parent.pid)], check=False)
        parent.kill()
        parent.wait()
    assert cpu_seconds_of_tree(2**22 + 12345) is None  # no such process
