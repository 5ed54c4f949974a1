"""Nearest-rank percentiles: every figure is a value that actually occurred, as auditors and
benchmark readers expect. Shared by the benchmarks and the supervision/staffing figures."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """``ordered`` must be sorted; None when there is nothing to measure."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency_line(latencies_seconds: Sequence[float]) -> str:
    """``p50 … ms   p90 … ms   p99 … ms`` for a benchmark's output."""
    ordered = sorted(latencies_seconds)
    parts = []
    for label, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        value = percentile(ordered, fraction)
        parts.append(f"{label} {value * 1000:.2f} ms" if value is not None else f"{label} -")
    return "   ".join(parts)
