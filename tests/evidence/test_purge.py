"""R14.3 retention: purge removes only what is past the retention period, and what remains
still verifies from a checkpoint that the chain itself attests."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from qinglang.errors import Conflict
from qinglang.evidence import service
from qinglang.evidence.models import EvidenceCheckpoint
from tests.evidence.builders import content_life
from tests.evidence.conftest import disable_guards


def _aged(monkeypatch, days: int) -> None:  # noqa: ANN001
    monkeypatch.setattr(service, "utcnow", lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=days))


def test_purge_keeps_young_records_and_the_rest_still_verifies(chain_db, settings, monkeypatch) -> None:
    _aged(monkeypatch, 400)
    old = content_life(chain_db, 1)
    _aged(monkeypatch, 100)
    young = content_life(chain_db, 2)
    monkeypatch.undo()

    result = service.purge(chain_db, settings, actor_id=5)
    assert (result.purged_count, result.through_seq) == (len(old), old[-1].seq)
    assert service.for_subject(chain_db, "content", "1") == []
    assert [r.seq for r in service.for_subject(chain_db, "content", "2")] == [r.seq for r in young]
    assert result.record.tag == "evidence:purged" and result.record.payload["last_hash"] == old[-1].hash

    verified = service.verify(chain_db)
    assert verified.ok, verified.problem
    assert verified.checkpoint.purged_through_seq == old[-1].seq
    assert verified.count == len(young) + 1 and verified.first_seq == young[0].seq
    assert dt.timedelta(days=99) < dt.datetime.now(dt.UTC) - verified.oldest_at < dt.timedelta(days=101)

    assert service.purge(chain_db, settings).purged_count == 0


def test_a_longer_retention_setting_keeps_more(chain_db, settings, monkeypatch) -> None:
    _aged(monkeypatch, 300)
    content_life(chain_db, 1)
    monkeypatch.undo()
    longer = settings.model_copy(update={"evidence_retention_days": 365})
    assert service.purge(chain_db, longer).purged_count == 0
    assert service.purge(chain_db, settings).purged_count == 4


def test_a_broken_chain_is_not_purged(chain_db, settings, monkeypatch) -> None:
    _aged(monkeypatch, 400)
    records = content_life(chain_db, 1)
    monkeypatch.undo()
    disable_guards(chain_db)
    chain_db.execute(sa.text("UPDATE evidence_records SET actor_id = 1 WHERE seq = :s"),
                     {"s": records[2].seq})
    with pytest.raises(Conflict) as refusal:
        service.purge(chain_db, settings)
    assert refusal.value.code == "evidence_chain_broken"
    assert len(service.for_subject(chain_db, "content", "1")) == 4


def test_a_checkpoint_no_purge_attests_is_reported(chain_db, monkeypatch) -> None:
    """Deleting old records and inserting a matching checkpoint by hand is still caught."""
    _aged(monkeypatch, 400)
    records = content_life(chain_db, 1)
    monkeypatch.undo()
    content_life(chain_db, 2)
    chain_db.add(EvidenceCheckpoint(
        purged_through_seq=records[-1].seq, last_hash=records[-1].hash, purged_count=4,
        cutoff=dt.datetime.now(dt.UTC), retention_days=183, created_at=dt.datetime.now(dt.UTC)))
    chain_db.execute(sa.text("DELETE FROM evidence_records WHERE seq <= :s"), {"s": records[-1].seq})
    problem = service.verify(chain_db).problem
    assert problem is not None and problem.kind == "removed" and "attests" in problem.message
