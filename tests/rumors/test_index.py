"""The in-memory anchor index stays what the bank says (R9.7, issue 5): claims added, changed,
retired or rolled back are matched, or not, exactly as the database has them."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from qinglang.rumors import bench, matching
from qinglang.rumors import index as claim_index
from qinglang.rumors import service as rumors_service
from qinglang.rumors.service import ClaimInput
from tests.rumors.builders import RUMOUR, SPREAD

OTHER = "网传某市自来水厂被投毒全市停水三天"
OTHER_SPREAD = "紧急通知：网传某市自來水厂被投毒，全市停水三天，速囤水！"


def _add(db: Session, text: str, external_id: str | None = None) -> int:
    claim, _ = rumors_service.upsert(db, ClaimInput(text=text, verdict="false", external_id=external_id),
                                     actor_id=None, sweep=False)
    return claim.id


def _matched(db: Session, text: str) -> list[int]:
    return [m.claim_id for m in matching.find(db, text)]


def _candidates(index: claim_index.ClaimIndex, db: Session, texts: list[str]) -> list[list[tuple[int, int, int]]]:
    from qinglang.rumors import shingles

    snapshot = index.snapshot(db)
    return [snapshot.hits(shingles.shingle(text).anchors, 48) for text in texts]


def test_a_claim_is_matched_as_soon_as_it_is_added_and_no_longer_once_retired(db) -> None:
    """R9.7: staff add a debunk and the next post is checked against it; retiring stops that."""
    assert _matched(db, SPREAD) == []
    claim_id = _add(db, RUMOUR)
    assert _matched(db, SPREAD) == [claim_id]
    rumors_service.retire(db, rumors_service.get(db, claim_id), actor_id=1)
    assert _matched(db, SPREAD) == []


def test_a_changed_claim_matches_its_new_text_only(db) -> None:
    """R9.7: a re-imported claim (same external ID, new text) matches what it now says."""
    claim_id = _add(db, RUMOUR, external_id="https://example.org/check/1")
    assert _matched(db, SPREAD) == [claim_id]
    assert _add(db, OTHER, external_id="https://example.org/check/1") == claim_id
    assert _matched(db, SPREAD) == []
    assert _matched(db, OTHER_SPREAD) == [claim_id]


def test_a_rolled_back_claim_is_never_matched(db) -> None:
    """A claim whose transaction rolled back does not exist: nothing may be ruled against it."""
    savepoint = db.begin_nested()
    _add(db, RUMOUR)
    assert len(_matched(db, SPREAD)) == 1
    savepoint.rollback()
    assert _matched(db, SPREAD) == []
    kept = _add(db, OTHER)  # may reuse the rolled-back claim's ID on SQLite
    assert _matched(db, SPREAD) == [] and _matched(db, OTHER_SPREAD) == [kept]


def test_catching_up_gives_the_same_candidates_as_a_fresh_index(db) -> None:
    """Changes made elsewhere (another process: no invalidation here) show after the refresh,
    incrementally, and leave the index exactly as a rebuild from the database would."""
    rng = random.Random(3)
    texts = [bench.synthetic_claim(rng) for _ in range(40)]
    ids = [_add(db, text, external_id=f"ext-{n}") for n, text in enumerate(texts[:20])]
    index = claim_index.ClaimIndex(ttl=3600, merge_at=10_000)
    queries = [*texts, SPREAD]
    before = _candidates(index, db, queries)
    assert [hits[0][0] for hits in before[:20]] == ids and all(not hits for hits in before[20:40])

    added = [_add(db, text) for text in texts[20:]]
    for claim_id in ids[:5]:
        rumors_service.retire(db, rumors_service.get(db, claim_id), actor_id=1)
    _add(db, RUMOUR, external_id="ext-5")
    assert _candidates(index, db, queries) == before, "within the TTL the index has not looked yet"

    index.invalidate()
    rebuilds = index.rebuilds
    after = _candidates(index, db, queries)
    assert index.rebuilds == rebuilds, "catching up must not rebuild"
    assert after == _candidates(claim_index.ClaimIndex(), db, queries)
    assert all(not hits or hits[0][0] not in ids[:5] for hits in after[:5])
    assert [hits[0][0] for hits in after[20:40]] == added
    assert after[-1][0][0] == ids[5]


def test_rebuilding_once_the_recent_part_is_large_changes_no_candidate(db) -> None:
    """Past ``merge_at`` changes the index reads the bank afresh: same candidates as before."""
    rng = random.Random(5)
    texts = [bench.synthetic_claim(rng) for _ in range(30)]
    ids = [_add(db, text) for text in texts[:10]]
    index = claim_index.ClaimIndex(ttl=3600, merge_at=5)
    _candidates(index, db, texts)
    rebuilds = index.rebuilds
    for text in texts[10:]:
        _add(db, text)
    rumors_service.retire(db, rumors_service.get(db, ids[0]), actor_id=1)
    index.invalidate()
    rebuilt = _candidates(index, db, texts)
    assert index.rebuilds == rebuilds + 1 and index.snapshot(db).pending == 0
    assert rebuilt == _candidates(claim_index.ClaimIndex(), db, texts)
    assert all(hits and hits[0][0] != ids[0] for hits in rebuilt[1:])
    assert not rebuilt[0] or rebuilt[0][0][0] != ids[0]
    assert index.snapshot(db).claim(ids[0]) is None and index.snapshot(db).claim(ids[1]) == (texts[1], "false")
