"""R14.3: the evidence log is a gapless hash chain; verify names the first record that was
modified, removed or moved, and the database refuses changes the application never makes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from qinglang.evidence import chain, service
from tests.evidence.builders import content_life
from tests.evidence.conftest import disable_guards


def _sql(session, statement: str, **params) -> sa.CursorResult:  # noqa: ANN001
    return session.execute(sa.text(statement), params)


def test_records_form_a_gapless_chain_that_verifies(chain_db) -> None:
    """R14.3: each record names its predecessor's hash; verify recomputes every hash."""
    records = content_life(chain_db, 41) + content_life(chain_db, 42)
    assert [r.seq for r in records] == list(range(1, 9))
    assert records[0].prev_hash == chain.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(records, records[1:], strict=False))
    assert service.head(chain_db) == (8, records[-1].hash)

    result = service.verify(chain_db)
    assert result.ok and result.count == 8
    assert (result.first_seq, result.last_seq, result.head_hash) == (1, 8, records[-1].hash)
    assert dt.datetime.now(dt.UTC) - result.oldest_at < dt.timedelta(minutes=1)


def test_an_empty_chain_verifies(chain_db) -> None:
    result = service.verify(chain_db)
    assert result.ok and result.count == 0 and result.head_hash == chain.GENESIS_HASH


def test_a_changed_payload_is_reported_as_modified(chain_db) -> None:
    """R14.3: editing what a record says (here: who removed the item) is caught."""
    records = content_life(chain_db, 41)
    disable_guards(chain_db)
    target = records[2]
    payload = {**target.payload, "note": "作者自行删除"}
    _sql(chain_db, "UPDATE evidence_records SET payload = :p WHERE seq = :s",
         p=json.dumps(payload), s=target.seq)
    problem = service.verify(chain_db).problem
    assert problem is not None
    assert (problem.seq, problem.kind) == (target.seq, "modified")


@pytest.mark.parametrize("column, value", [
    ("actor_id", 99), ("tag", "content:post:restored"), ("subject_id", "43"),
    ("created_at", "2020-01-01 00:00:00.000000"),
])
def test_every_hashed_field_is_covered(chain_db, column: str, value: object) -> None:
    records = content_life(chain_db, 41)
    disable_guards(chain_db)
    if column == "created_at" and chain_db.get_bind().dialect.name == "postgresql":
        value = "2020-01-01T00:00:00+00:00"
    _sql(chain_db, f"UPDATE evidence_records SET {column} = :v WHERE seq = :s", v=value,
         s=records[1].seq)
    problem = service.verify(chain_db).problem
    assert problem is not None and (problem.seq, problem.kind) == (records[1].seq, "modified")


def test_a_deleted_record_is_reported_as_removed(chain_db) -> None:
    records = content_life(chain_db, 41)
    disable_guards(chain_db)
    _sql(chain_db, "DELETE FROM evidence_records WHERE seq = :s", s=records[1].seq)
    problem = service.verify(chain_db).problem
    assert problem is not None and (problem.seq, problem.kind) == (records[1].seq, "removed")
    assert "missing" in problem.message


def test_a_record_replaced_by_a_consistent_forgery_is_reported_as_removed(chain_db) -> None:
    """A forger who rehashes one record cannot also fix the next record's prev_hash."""
    records = content_life(chain_db, 41)
    disable_guards(chain_db)
    forged = records[1]
    fields = dict(seq=forged.seq, tag=forged.tag, subject_type=forged.subject_type,
                  subject_id=forged.subject_id, actor_id=forged.actor_id,
                  payload={"action": "allow", "reasons": []}, created_at=forged.created_at,
                  prev_hash=forged.prev_hash)
    _sql(chain_db, "UPDATE evidence_records SET payload = :p, hash = :h WHERE seq = :s",
         p=chain.canonical_json(fields["payload"]), h=chain.record_hash(**fields), s=forged.seq)
    problem = service.verify(chain_db).problem
    assert problem is not None and (problem.seq, problem.kind) == (records[2].seq, "removed")
    assert "prev_hash" in problem.message


def test_swapped_records_are_reported_as_reordered(chain_db) -> None:
    records = content_life(chain_db, 41)
    disable_guards(chain_db)
    a, b = records[1].seq, records[2].seq
    _sql(chain_db, "UPDATE evidence_records SET seq = -1 WHERE seq = :a", a=a)
    _sql(chain_db, "UPDATE evidence_records SET seq = :a WHERE seq = :b", a=a, b=b)
    _sql(chain_db, "UPDATE evidence_records SET seq = :b WHERE seq = -1", b=b)
    problem = service.verify(chain_db).problem
    assert problem is not None and (problem.seq, problem.kind) == (a, "reordered")
    assert f"written as #{b}" in problem.message


def test_a_truncated_tail_is_caught_by_the_chain_head(chain_db) -> None:
    records = content_life(chain_db, 41)
    disable_guards(chain_db)
    _sql(chain_db, "DELETE FROM evidence_records WHERE seq >= :s", s=records[2].seq)
    problem = service.verify(chain_db).problem
    assert problem is not None and (problem.seq, problem.kind) == (records[2].seq, "removed")


def _refused(session, statement: str, **params) -> str:  # noqa: ANN001
    with pytest.raises(sa.exc.IntegrityError) as refusal, session.begin_nested():
        _sql(session, statement, **params)
    return str(refusal.value.orig)


def test_the_database_refuses_updates_and_early_deletes(chain_db) -> None:
    """R14.3 in the database itself: even SQL access cannot quietly edit or drop evidence."""
    records = content_life(chain_db, 41)
    seq = records[0].seq
    assert "UPDATE" in _refused(chain_db, "UPDATE evidence_records SET tag = 'x:y' WHERE seq = :s", s=seq)
    assert "183 days" in _refused(chain_db, "DELETE FROM evidence_records WHERE seq = :s", s=seq)
    _sql(chain_db, "INSERT INTO evidence_checkpoints (purged_through_seq, last_hash, purged_count, "
         "cutoff, retention_days, created_at) VALUES (0, :h, 0, :t, 183, :t)",
         h=chain.GENESIS_HASH, t=records[0].created_at.replace(tzinfo=None))
    _refused(chain_db, "UPDATE evidence_checkpoints SET last_hash = 'x'")
    _refused(chain_db, "DELETE FROM evidence_checkpoints")
    _refused(chain_db, "UPDATE evidence_chain_head SET seq = 0, hash = :h", h=chain.GENESIS_HASH)
    if chain_db.get_bind().dialect.name == "postgresql":
        _refused(chain_db, "TRUNCATE evidence_records")
    assert service.verify(chain_db).problem.kind == "removed"  # the checkpoint no purge attests


def test_the_database_refuses_an_insert_that_does_not_extend_the_head(chain_db) -> None:
    records = content_life(chain_db, 41)
    message = _refused(
        chain_db,
        "INSERT INTO evidence_records (seq, tag, subject_type, subject_id, payload, created_at, "
        "prev_hash, hash) VALUES (:s, 'x:y', 'content', '1', '{}', :t, :p, :h)",
        s=records[-1].seq + 1, t=records[-1].created_at.replace(tzinfo=None), p=chain.GENESIS_HASH,
        h="f" * 64,
    )
    assert "chain head" in message


def test_records_older_than_the_legal_minimum_may_be_deleted(chain_db, monkeypatch) -> None:
    """The trigger's bound is 183 days; older records go (purge keeps the chain verifiable)."""
    monkeypatch.setattr(service, "utcnow", lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=200))
    old = service.record(chain_db, tag="content:post:removed", subject_type="content",
                         subject_id=1, actor_id=None, payload={})
    monkeypatch.undo()
    assert _sql(chain_db, "DELETE FROM evidence_records WHERE seq = :s", s=old.seq).rowcount == 1


def test_record_refuses_what_would_not_hash_the_same_after_storage(chain_db) -> None:
    for bad in ({"n": float("nan")}, {"n": 2**60}, {1: "int key"}, {"s": "nul\x00"}, {"x": object()}):
        with pytest.raises(ValueError):
            service.record(chain_db, tag="content:post:removed", subject_type="content",
                           subject_id=1, actor_id=None, payload=bad)
    with pytest.raises(ValueError):
        service.record(chain_db, tag="Removed", subject_type="content", subject_id=1,
                       actor_id=None, payload={})
    assert service.head(chain_db)[0] == 0
