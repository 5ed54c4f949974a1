"""Appending to the evidence chain, checking it, reading it by subject and purging its old end.

``record`` is the one way in. There is no update path, and the only delete is ``purge``, which
removes a prefix older than the retention period and leaves a checkpoint so the rest still
verifies. The database refuses anything else (triggers in migration 0002).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, make_transient_to_detached

from qinglang.db import copy_rows, utcnow
from qinglang.errors import Conflict
from qinglang.evidence import chain
from qinglang.evidence.models import EvidenceChainHead, EvidenceCheckpoint, EvidenceRecord
from qinglang.settings import Settings

MAX_PAGE = 500
PURGE_TAG = "evidence:purged"
_TAG = re.compile(r"^[a-z0-9_.-]+(:[a-z0-9_.-]+)+$")
_SUBJECT_TYPE = re.compile(r"^[a-z][a-z0-9_]*$")
_VERIFY_BATCH = 2000

_HEAD = select(EvidenceChainHead.seq, EvidenceChainHead.hash).where(EvidenceChainHead.id == 1)
_LINK_COLUMNS = (
    EvidenceRecord.seq,
    EvidenceRecord.tag,
    EvidenceRecord.subject_type,
    EvidenceRecord.subject_id,
    EvidenceRecord.actor_id,
    EvidenceRecord.payload,
    EvidenceRecord.created_at,
    EvidenceRecord.prev_hash,
    EvidenceRecord.hash,
)


def record(
    session: Session,
    *,
    tag: str,
    subject_type: str,
    subject_id: str | int,
    actor_id: int | None,
    payload: dict[str, Any],
) -> EvidenceRecord:
    """Append one record to the chain (R14.3). Two statements: lock the head, insert."""
    return record_many(session, [Entry(tag, subject_type, subject_id, actor_id, payload)])[0]


@dataclass(frozen=True)
class Entry:
    """One record to append: what happened (``tag``), to what, by whom, with what payload."""

    tag: str
    subject_type: str
    subject_id: str | int
    actor_id: int | None
    payload: dict[str, Any]


def record_many(session: Session, entries: Sequence[Entry], *, returning: bool = True) -> list[EvidenceRecord]:
    """Append records in order with one head lock and one multi-row insert.

    The lock on the one-row head serialises appends on PostgreSQL (on SQLite the writer lock
    already does); the insert trigger checks each link and moves the head. A batch of
    submissions appends all its records under one lock, so the lock is taken once per commit
    rather than once per item.
    """
    prepared = [_checked(entry) for entry in entries]
    if not prepared:
        return []
    head_seq, head_hash = session.execute(_HEAD.with_for_update()).one()
    # Taken under the lock, so timestamps follow sequence numbers (barring clock steps).
    created_at = utcnow()
    rows = []
    for offset, (entry, subject, stored, text) in enumerate(prepared, start=1):
        fields = dict(seq=head_seq + offset, tag=entry.tag, subject_type=entry.subject_type, subject_id=subject,
                      actor_id=entry.actor_id, created_at=created_at, prev_hash=head_hash)
        head_hash = chain.record_hash(payload=text, **fields)
        rows.append({**fields, "payload": stored, "hash": head_hash})
    # Not the unit of work: it costs more than the rest of an append together.
    copy_rows(session, EvidenceRecord.__table__, rows)
    if not returning:  # building ORM objects costs as much as hashing the records
        return []
    records = []
    for row in rows:
        evidence = EvidenceRecord(**row)
        # Detached, not pending: adding it to a session later must not insert it a second time.
        make_transient_to_detached(evidence)
        records.append(evidence)
    return records


def _checked(entry: Entry) -> tuple[Entry, str, dict[str, Any], chain.CanonicalText]:
    subject = str(entry.subject_id)
    if not _TAG.match(entry.tag) or len(entry.tag) > 80:
        raise ValueError(f"evidence tag {entry.tag!r} is not like 'content:post:removed'")
    if not _SUBJECT_TYPE.match(entry.subject_type) or len(entry.subject_type) > 40:
        raise ValueError(f"evidence subject type {entry.subject_type!r} is not a lower-case name")
    if not 0 < len(subject) <= 64:
        raise ValueError("evidence subject IDs have 1 to 64 characters")
    stored, text = chain.normalise_payload(entry.payload)
    return entry, subject, stored, text


@dataclass(frozen=True)
class Verification:
    count: int
    first_seq: int | None
    last_seq: int
    head_hash: str
    oldest_at: dt.datetime | None
    checkpoint: EvidenceCheckpoint | None
    problem: chain.Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session) -> Verification:
    """Walk the chain from the latest checkpoint (or the start) to the head."""
    result = _verify_once(session)
    if result.problem is not None and _latest_checkpoint(session) != result.checkpoint:
        # A purge committed while we read: our checkpoint was stale, not the chain broken.
        result = _verify_once(session)
    return result


def _verify_once(session: Session) -> Verification:
    checkpoint = _latest_checkpoint(session)
    # The head first: records appended while we walk lie beyond it and are left for next time.
    head_seq, head_hash = session.execute(_HEAD).one()
    start_seq, start_hash = (
        (checkpoint.purged_through_seq, checkpoint.last_hash) if checkpoint else (0, chain.GENESIS_HASH)
    )
    walked = chain.walk(
        _links(session, start_seq, head_seq),
        start_seq=start_seq,
        start_hash=start_hash,
        head_seq=head_seq,
        head_hash=head_hash,
    )
    problem = walked.problem or _unattested(session, checkpoint)
    return Verification(
        count=walked.count,
        first_seq=walked.first.seq if walked.first else None,
        last_seq=walked.last_seq,
        head_hash=walked.last_hash,
        oldest_at=walked.first.created_at if walked.first else None,
        checkpoint=checkpoint,
        problem=problem,
    )


def _links(session: Session, after: int, through: int) -> Iterator[chain.Link]:
    statement = (
        select(*_LINK_COLUMNS)
        .where(EvidenceRecord.seq > after, EvidenceRecord.seq <= through)
        .order_by(EvidenceRecord.seq)
        .execution_options(yield_per=_VERIFY_BATCH)
    )
    for row in session.execute(statement):
        yield chain.Link(*row)


def _latest_checkpoint(session: Session) -> EvidenceCheckpoint | None:
    return session.scalar(select(EvidenceCheckpoint).order_by(EvidenceCheckpoint.purged_through_seq.desc()).limit(1))


def _unattested(session: Session, checkpoint: EvidenceCheckpoint | None) -> chain.Problem | None:
    """A checkpoint counts only if the chain itself records the purge that made it: otherwise
    anyone able to insert one could hide the removal of the chain's oldest records."""
    if checkpoint is None:
        return None
    purges = session.scalars(
        select(EvidenceRecord.payload).where(
            EvidenceRecord.tag == PURGE_TAG,
            EvidenceRecord.seq > checkpoint.purged_through_seq,
        )
    )
    wanted = (checkpoint.purged_through_seq, checkpoint.last_hash)
    if any((p.get("through_seq"), p.get("last_hash")) == wanted for p in purges):
        return None
    return chain.Problem(
        checkpoint.purged_through_seq,
        "removed",
        f"no '{PURGE_TAG}' record attests the checkpoint at #{checkpoint.purged_through_seq}: "
        "the records before it were removed outside a purge",
    )


@dataclass(frozen=True)
class PurgeResult:
    purged_count: int
    through_seq: int | None
    cutoff: dt.datetime
    record: EvidenceRecord | None


def purge(
    session: Session,
    settings: Settings,
    *,
    actor_id: int | None = None,
    now: dt.datetime | None = None,
) -> PurgeResult:
    """Delete the records older than the retention period, oldest first, keeping a checkpoint.

    Only a prefix of the chain goes, so what remains still verifies from the checkpoint. A
    broken chain is never purged: the damaged records are evidence of the damage.
    """
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=settings.evidence_retention_days)
    checked = verify(session)
    if checked.problem is not None:
        raise Conflict(
            f"the evidence chain is broken at #{checked.problem.seq} ({checked.problem.kind}); nothing was purged",
            code="evidence_chain_broken",
            detail={"seq": checked.problem.seq, "kind": checked.problem.kind},
        )
    first_young = session.scalar(
        select(EvidenceRecord.seq).where(EvidenceRecord.created_at >= cutoff).order_by(EvidenceRecord.seq).limit(1)
    )
    through = checked.last_seq if first_young is None else first_young - 1
    start = checked.first_seq - 1 if checked.first_seq is not None else checked.last_seq
    if through <= start:
        return PurgeResult(0, None, cutoff, None)
    last_hash = session.scalar(select(EvidenceRecord.hash).where(EvidenceRecord.seq == through))
    assert last_hash is not None
    count = through - start
    session.add(
        EvidenceCheckpoint(
            purged_through_seq=through,
            last_hash=last_hash,
            purged_count=count,
            cutoff=cutoff,
            retention_days=settings.evidence_retention_days,
            actor_id=actor_id,
            created_at=utcnow(),
        )
    )
    session.execute(
        delete(EvidenceRecord).where(EvidenceRecord.seq <= through).execution_options(synchronize_session=False)
    )
    attestation = record(
        session,
        tag=PURGE_TAG,
        subject_type="evidence_chain",
        subject_id="main",
        actor_id=actor_id,
        payload={
            "through_seq": through,
            "last_hash": last_hash,
            "purged_count": count,
            "cutoff": cutoff,
            "retention_days": settings.evidence_retention_days,
        },
    )
    return PurgeResult(count, through, cutoff, attestation)


def for_subject(session: Session, subject_type: str, subject_id: str) -> list[EvidenceRecord]:
    """Everything recorded about one subject, in chain order: its whole life (a case file)."""
    return list(
        session.scalars(
            select(EvidenceRecord)
            .where(EvidenceRecord.subject_type == subject_type, EvidenceRecord.subject_id == subject_id)
            .order_by(EvidenceRecord.seq)
        )
    )


def head(session: Session) -> tuple[int, str]:
    seq, digest = session.execute(_HEAD).one()
    return seq, digest


def listing(
    session: Session,
    *,
    tag: str | None = None,
    tag_prefix: str | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[EvidenceRecord]:
    statement = select(EvidenceRecord)
    if tag is not None:
        statement = statement.where(EvidenceRecord.tag == tag)
    if tag_prefix is not None:
        statement = statement.where(EvidenceRecord.tag.startswith(tag_prefix, autoescape=True))
    if after is not None:
        statement = statement.where(EvidenceRecord.seq > after)
    return list(session.scalars(statement.order_by(EvidenceRecord.seq).limit(min(max(limit, 1), MAX_PAGE))))
