"""``qinglang bench submit`` drives the real HTTP API and prints throughput and percentiles."""

from __future__ import annotations

import re
import subprocess
import sys


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
