"""The claim anchor index held in memory, so matching never pages through ``claim_anchors``
(issue 5: at a million claims that index is far larger than SQLite's cache).

The database stays the source of truth: before each match the index compares a mark (the highest
claim ID, the last change record) with the database, in one statement that reads a few index
pages, and catches up if they differ. (With ``ttl`` set, it checks at most that often; this
process's own changes still count at once.)

Catching up is incremental and cheap: new claims are those above the highest ID seen, changed
and retired ones are named by the bank's evidence records (``rumors:claim:*``, indexed by tag
and sequence number). A record we had seen that is gone or different (a rolled-back transaction
reused its number, or a purge removed it) means we cannot tell what changed: the index is rebuilt.

Matching reads candidates' texts from the snapshot too (``rumors.snapshot``), so apart from the
mark a query touches no table. ``service`` invalidates the index when it changes a claim, and
again when that transaction ends (committed or rolled back), which matters only with a TTL.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, ScalarSelect, Select, event, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, SessionTransaction

from qinglang.db import read_only
from qinglang.evidence.models import EvidenceRecord
from qinglang.rumors import shingles
from qinglang.rumors.models import Claim, ClaimAnchor, ClaimStatus
from qinglang.rumors.snapshot import VERDICT_CODES, Snapshot, bulk

# Tags ``service`` records for every change to what a claim matches.
CHANGE_TAGS = ("rumors:claim:added", "rumors:claim:changed", "rumors:claim:retired")
_READ_CHUNK = 200_000


@dataclass(frozen=True)
class Mark:
    """How far the index has read: the highest claim ID and the last change record."""

    max_claim_id: int
    seq: int
    hash: str | None


def _latest(column: InstrumentedAttribute, tag: str) -> ScalarSelect:
    # One seek on (tag, seq) per tag; an IN over the three would walk every change record.
    latest = select(column).where(EvidenceRecord.tag == tag).order_by(EvidenceRecord.seq.desc()).limit(1)
    return latest.scalar_subquery()


# One statement, answered from the rightmost pages of two indexes: cheap enough for every match.
_MARK = select(select(func.max(Claim.id)).scalar_subquery(),
               *(_latest(column, tag) for tag in CHANGE_TAGS for column in (EvidenceRecord.seq, EvidenceRecord.hash)))


def _mark(connection: Connection) -> Mark:
    max_id, *latest = connection.execute(_MARK).one()
    changes = [(int(latest[n]), str(latest[n + 1])) for n in range(0, len(latest), 2) if latest[n] is not None]
    seq, digest = max(changes, default=(0, None))
    return Mark(int(max_id or 0), seq, digest)


class ClaimIndex:
    """The anchor index of one database, shared by a process's requests and workers."""

    def __init__(self, ttl: float = 0.0, merge_at: int = 50_000, rebuild_at: int = 100_000) -> None:
        # 0: every match checks the mark (one cheap statement), so it sees the bank as its own
        # transaction does. A TTL trades that for a little latency under very high load.
        self.ttl = ttl
        self.merge_at = merge_at
        # Past this many new claims, reading the anchor table beats shingling each claim.
        self.rebuild_at = rebuild_at
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._mark: Mark | None = None
        self._checked_at = -math.inf
        self.rebuilds = 0

    def invalidate(self) -> None:
        self._checked_at = -math.inf

    def snapshot(self, session: Session) -> Snapshot:
        current = self._snapshot
        if current is not None and time.monotonic() - self._checked_at < self.ttl:
            return current
        with self._lock:
            if self._snapshot is None or time.monotonic() - self._checked_at >= self.ttl:
                # Checked before reading: a change made while we read is applied again next time.
                self._checked_at = time.monotonic()
                self._refresh(session.connection())
            assert self._snapshot is not None
            return self._snapshot

    def _refresh(self, connection: Connection) -> None:
        mark, seen = _mark(connection), self._mark
        if self._snapshot is not None and mark == seen:
            return
        behind = self._snapshot is not None and seen is not None and _behind(mark, seen)
        if behind and seen is not None and self._committed(connection, seen):
            # This transaction started before changes the index already holds (an older SQLite
            # snapshot): they are committed, so the index stays; rebuilding would thrash.
            return
        if self._snapshot is None or seen is None or not self._can_follow(connection, seen, mark):
            self._rebuild(connection, mark)
            return
        changed = {int(subject) for subject in connection.execute(
            select(EvidenceRecord.subject_id).where(EvidenceRecord.tag.in_(CHANGE_TAGS),
                                                    EvidenceRecord.seq > seen.seq, EvidenceRecord.seq <= mark.seq)
        ).scalars() if subject.isdigit()}
        columns = select(Claim.id, Claim.text, Claim.status, Claim.verdict)
        rows = list(connection.execute(columns.where(Claim.id > seen.max_claim_id, Claim.id <= mark.max_claim_id)))
        changed -= {row[0] for row in rows}
        for chunk in _chunks(sorted(changed), 500):
            rows += connection.execute(columns.where(Claim.id.in_(chunk)))
        added = {claim_id: (text, str(verdict), shingles.shingle(text).anchors)
                 for claim_id, text, status, verdict in rows if status == ClaimStatus.ACTIVE}
        removed = {row[0] for row in rows} | changed
        snapshot = self._snapshot.changed(removed, added)
        if snapshot.pending > self.merge_at:
            self._rebuild(connection, mark)
            return
        self._snapshot, self._mark = snapshot, mark

    def _can_follow(self, connection: Connection, seen: Mark, mark: Mark) -> bool:
        if _behind(mark, seen) or mark.max_claim_id - seen.max_claim_id > self.rebuild_at:
            return False
        return _holds(connection, seen)

    def _committed(self, connection: Connection, seen: Mark) -> bool:
        """Whether what the index has read is committed (not another transaction's pending or
        rolled-back work), looked at from outside ``connection``'s transaction."""
        with read_only(connection.engine).connect() as fresh:
            latest = _mark(fresh)
            return not _behind(latest, seen) and _holds(fresh, seen)

    def _rebuild(self, connection: Connection, mark: Mark) -> None:
        # Primary-key orders are the orders the arrays want: no sort. The driver's cursor, not
        # result rows: at ten million anchors, rows cost ten times more.
        by_anchor = select(ClaimAnchor.anchor, ClaimAnchor.claim_id).order_by(ClaimAnchor.anchor, ClaimAnchor.claim_id)
        parts = [np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=2 * len(rows))
                 for rows in _fetch(connection, by_anchor)]
        pairs = np.concatenate(parts).reshape(-1, 2) if parts else np.empty((0, 2), dtype=np.int64)
        active = (select(Claim.id, Claim.text, Claim.verdict).where(Claim.status == ClaimStatus.ACTIVE)
                  .order_by(Claim.id))
        ids: list[int] = []
        texts: list[bytes] = []
        codes: list[int] = []
        for rows in _fetch(connection, active):
            for claim_id, text, verdict in rows:
                ids.append(claim_id)
                texts.append(text.encode())
                codes.append(VERDICT_CODES[str(verdict)])
        self._snapshot = bulk(pairs, np.array(ids, dtype=np.int64), texts, np.array(codes, dtype=np.int8))
        self._mark = mark
        self.rebuilds += 1


def _behind(mark: Mark, seen: Mark) -> bool:
    return mark.max_claim_id < seen.max_claim_id or mark.seq < seen.seq


def _holds(connection: Connection, seen: Mark) -> bool:
    """Whether the change record the index read last is still there, unchanged."""
    if seen.seq == 0:
        return True
    digest = connection.execute(select(EvidenceRecord.hash).where(EvidenceRecord.seq == seen.seq)).scalar()
    return digest == seen.hash


def _fetch(connection: Connection, statement: Select) -> Iterable[list[tuple]]:
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(statement.compile(connection, compile_kwargs={"literal_binds": True})))
        while rows := cursor.fetchmany(_READ_CHUNK):
            yield rows
    finally:
        cursor.close()


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


_indexes: dict[str, ClaimIndex] = {}
_indexes_lock = threading.Lock()


def for_session(session: Session) -> ClaimIndex:
    """The index of the database ``session`` is bound to (one per database per process)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    key = engine.url.render_as_string(hide_password=True)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            index = _indexes[key] = ClaimIndex()
        return index


_CHANGED = "qinglang_rumors_changed"


def invalidate(session: Session) -> None:
    """``session`` changed the bank: re-check at the next match, and again when its transaction
    (or savepoint) ends, so a commit shows at once and a rollback is forgotten at once."""
    session.info[_CHANGED] = True
    for_session(session).invalidate()


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if session.info.get(_CHANGED):
        if transaction.parent is None:
            del session.info[_CHANGED]
        for_session(session).invalidate()
