"""``qinglang bench stream`` (R9.6 performance): the broker's overhead is measured against the
handler applied directly and committed the way a worker commits, so it is the broker's cost and
not what batching saves. Runs the real JetStream workers on a small run."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.nats


def test_bench_stream_compares_the_broker_with_direct_batched_delivery(jetstream_settings) -> None:  # noqa: ANN001
    done = subprocess.run(
        [sys.executable, "-m", "qinglang", "bench", "stream", "--items", "40", "--workers", "1"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rates = dict(re.findall(r"^\s+(direct, one by one|direct, batched|jetstream, 1 worker)\s+([\d,]+) items/s",
                            done.stdout, re.MULTILINE))
    assert set(rates) == {"direct, one by one", "direct, batched", "jetstream, 1 worker"}, done.stdout
    assert all(int(rate.replace(",", "")) > 0 for rate in rates.values())
    overhead = re.search(r"broker overhead ([+-]\d+)% vs direct, batched", done.stdout)
    assert overhead is not None, done.stdout
    direct, broker = (int(rates[name].replace(",", "")) for name in ("direct, batched", "jetstream, 1 worker"))
    assert abs(int(overhead.group(1)) - round((direct / broker - 1) * 100)) <= 3  # the rates print rounded
