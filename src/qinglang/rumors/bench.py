"""Benchmarks and the matching evaluation, each on a scratch database built by the migrations.

``bench claims``: matching latency against a large synthetic bank and recall at 10% edits.
``bench sweep``: time from a claim's insertion to every matching stored item disposed.
``eval``: recall and precision at both thresholds on variants of real claims.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from qinglang import migrations
from qinglang.db import make_engine, make_sessionmaker, transaction, utcnow
from qinglang.rumors import evaluation, matching, shingles
from qinglang.rumors import index as claim_index
from qinglang.rumors.service import ClaimInput

# Common characters: synthetic claims look like Chinese text to the shingler.
_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理府研质"
)
_NOW = utcnow


@contextmanager
def scratch(url: str | None) -> Iterator[Engine]:
    """A database for the run: the given URL, or a fresh SQLite file removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url or f"sqlite:///{Path(folder) / 'bench.db'}")
        migrations.upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def synthetic_claim(rng: random.Random) -> str:
    return "".join(rng.choice(_COMMON) for _ in range(rng.randint(14, 36)))


def bulk_claims(engine: Engine, texts: list[str], verdict: str = "false", start_id: int = 1,
                progress: Callable[[int], None] | None = None) -> None:
    """Load claims and their anchors in bulk (the per-claim path also writes evidence)."""
    now = _NOW().replace(tzinfo=None).isoformat(" ") if engine.dialect.name == "sqlite" else _NOW()
    for offset in range(0, len(texts), 20_000):
        chunk = texts[offset:offset + 20_000]
        claims, anchors = [], []
        for index, body in enumerate(chunk, start=start_id + offset):
            keys = shingles.shingle(body).anchors
            claims.append({"id": index, "text": body, "verdict": verdict, "anchor_count": len(keys), "now": now})
            anchors += [{"anchor": key, "claim_id": index} for key in keys]
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO claims (id, text, verdict, debunk, sources, language, tags, status, anchor_count, "
                "created_at, updated_at) VALUES (:id, :text, :verdict, '', '[]', 'zh', '[]', 'active', "
                ":anchor_count, :now, :now)"), claims)
            connection.execute(text("INSERT INTO claim_anchors (anchor, claim_id) VALUES (:anchor, :claim_id)"),
                               anchors)
        if progress is not None:
            progress(len(chunk))


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def bench_claims(engine: Engine, *, claims: int, queries: int, seed: int = 7,
                 progress: Callable[[int], None] | None = None) -> dict[str, float]:
    rng = random.Random(seed)
    texts = [synthetic_claim(rng) for _ in range(claims)]
    bulk_claims(engine, texts, progress=progress)
    sample = rng.sample(range(claims), min(queries, claims))
    latencies, found = [], 0
    with make_sessionmaker(engine)() as session:
        # Loading the anchor index is a process's start-up cost, reported apart from queries.
        started = time.perf_counter()
        claim_index.for_session(session).snapshot(session)
        load_seconds = time.perf_counter() - started
        for index in sample:
            query = evaluation.edit(texts[index], rng, 0.1)
            started = time.perf_counter()
            result = matching.find(session, query)
            latencies.append((time.perf_counter() - started) * 1000)
            found += bool(result) and result[0].claim_id == index + 1 and result[0].similarity >= matching.SUGGEST
    latencies.sort()
    return {"claims": claims, "queries": len(sample), "p50_ms": percentile(latencies, 0.5),
            "p99_ms": percentile(latencies, 0.99), "recall_edit10": found / len(sample),
            "index_load_s": load_seconds}


def evaluate_claims(engine: Engine, rows: list[ClaimInput], *, sample: int = 400, seed: int = 11
                    ) -> dict[str, evaluation.Tally]:
    rng = random.Random(seed)
    unique = list({row.text: row for row in rows if shingles.shingle(row.text).matchable}.values())
    rng.shuffle(unique)
    held_out = unique[: len(unique) // 5]
    bank = unique[len(unique) // 5:]
    bulk_claims(engine, [row.text for row in bank])
    tallies = {kind: evaluation.Tally() for kind in (*evaluation.KINDS, "negative")}
    with make_sessionmaker(engine)() as session:
        def run(kind: str, query: str, expected: int | None) -> None:
            found = [(m.claim_id, m.similarity) for m in matching.find(session, query, minimum=0.0)]
            evaluation.score(tallies[kind], expected, found, matching.HIGH, matching.SUGGEST)

        for index in rng.sample(range(len(bank)), min(sample, len(bank))):
            for kind, make in evaluation.MAKERS.items():
                run(kind, make(bank[index].text, rng), index + 1)
        for row in held_out[:sample]:
            run("negative", row.text, None)
            run("negative", evaluation.pad(row.text, rng), None)
        for sentence in evaluation._EVERYDAY:
            run("negative", sentence, None)
    return tallies


def _account(engine: Engine, settings: object, handle: str) -> int:
    from qinglang.identity import service as identity_service
    from qinglang.policy import service as policy_service
    from qinglang.rules import service as rules_service

    with transaction(make_sessionmaker(engine)) as session:
        rules_service.install_shipped_documents(session)
        policy_service.install_shipped_policy(session)
        account = identity_service.register(session, settings, handle=handle, password="bench password long",
                                            mobile="13700000001")
        return account.id


def bulk_posts(engine: Engine, author_id: int, bodies: list[str], *, index: bool,
               progress: Callable[[int], None] | None = None) -> None:
    """Published posts in bulk, with their sweep-index anchors when ``index``."""
    now = _NOW().replace(tzinfo=None).isoformat(" ") if engine.dialect.name == "sqlite" else _NOW()
    with engine.connect() as connection:
        first = int(connection.execute(text("SELECT coalesce(max(id), 0) FROM content_items")).scalar() or 0) + 1
    for offset in range(0, len(bodies), 20_000):
        chunk = bodies[offset:offset + 20_000]
        rows, anchors = [], []
        for number, body in enumerate(chunk, start=first + offset):
            rows.append({"id": number, "author": author_id, "body": body, "now": now})
            if index:
                anchors += [{"anchor": a, "content_id": number} for a in shingles.shingle(body).anchors]
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO content_items (id, kind, author_id, body, state, labels, recommendation, created_at, "
                "published_at, updated_at) VALUES (:id, 'post', :author, :body, 'published', '[]', 'neutral', "
                ":now, :now, :now)"), rows)
            if anchors:
                connection.execute(text(
                    "INSERT INTO content_anchors (anchor, content_id) VALUES (:anchor, :content_id)"), anchors)
        if progress is not None:
            progress(len(chunk))


def bench_sweep(engine: Engine, settings: object, *, items: int, planted: int, seed: int = 5,
                progress: Callable[[int], None] | None = None) -> dict[str, float]:
    from qinglang.content.models import ContentItem
    from qinglang.detection.service import DetectorHolder
    from qinglang.pipeline import GateContext, PolicyGate
    from qinglang.policy.service import PolicyHolder
    from qinglang.rumors import service as rumors_service
    from qinglang.rumors import tasks
    from qinglang.runtime import detector_factory

    rng = random.Random(seed)
    claim = "".join(rng.choice(_COMMON) for _ in range(24))
    author = _account(engine, settings, "bench-author")
    bodies = [synthetic_claim(rng) + synthetic_claim(rng) for _ in range(items - planted)]
    bodies += [evaluation.pad(evaluation.edit(claim, rng, 0.05), rng) for _ in range(planted)]
    rng.shuffle(bodies)
    bulk_posts(engine, author, bodies, index=True, progress=progress)
    detectors, policies = DetectorHolder(detector_factory()), PolicyHolder()
    gate = PolicyGate(detectors, policies)
    sessions = make_sessionmaker(engine)
    with sessions() as session:  # warm the detector and policy: not part of a sweep
        gate.review(session, session.get(ContentItem, 1), GateContext(author_is_minor=False))  # type: ignore[arg-type]
    started = time.perf_counter()
    with transaction(sessions) as session:
        added, _ = rumors_service.upsert(session, ClaimInput(text=claim, verdict="false", debunk="bench"),
                                         actor_id=None, sweep=False)
        summary = tasks.sweep(session, settings, gate, added.id)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    return {"items": items, "planted": planted, "seconds": elapsed, **{
        k: float(v) for k, v in summary.__dict__.items() if k != "claim_id"}}
