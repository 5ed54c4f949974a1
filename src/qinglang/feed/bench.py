"""``qinglang bench feed``: home-feed requests against a large candidate table (R12.1)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine

from qinglang.db import make_sessionmaker, transaction
from qinglang.feed import ranking
from qinglang.feed.pool import POOLS
from qinglang.rumors.bench import _account, bulk_posts, percentile, synthetic_claim

_TOPICS = ("猫咪", "足球", "美食", "旅行", "摄影", "读书", "科技", "健康")


def bench_feed(engine: Engine, settings: object, *, items: int, requests: int, seed: int = 3,
               progress: Callable[[int], None] | None = None) -> dict[str, float]:
    rng = random.Random(seed)
    reader = _account(engine, settings, "bench-reader")
    bodies = [f"#{rng.choice(_TOPICS)}# {synthetic_claim(rng)}" for _ in range(items)]
    bulk_posts(engine, reader, bodies, index=False, progress=progress)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO feed_interest_tags (account_id, tag, weight, updated_at) "
                                "VALUES (:a, :t, :w, CURRENT_TIMESTAMP)"),
                           [{"a": reader, "t": t, "w": rng.uniform(-2, 6)} for t in _TOPICS])
    sessions = make_sessionmaker(engine)
    viewer = ranking.Viewer(account_id=reader, minor=False, personalised=True)
    POOLS.clear()
    started = time.perf_counter()
    with sessions() as session:
        ranking.home(session, settings, viewer, limit=1)  # type: ignore[arg-type]
    build_seconds = time.perf_counter() - started
    latencies = []
    for n in range(requests):
        started = time.perf_counter()
        with transaction(sessions) as session:
            ranking.home(session, settings, viewer, limit=20, offset=n % 3 * 20)  # type: ignore[arg-type]
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {"items": items, "requests": requests, "pool_build_s": build_seconds,
            "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99)}
