"""One immutable state of the in-memory claim index (``rumors.index``): readers need no lock.

Two parts. The bulk: arrays sorted by anchor (anchor, owning claim) and the active claims'
texts and verdicts packed into one UTF-8 buffer, in claim ID order; a million claims take a few
hundred megabytes instead of the gigabytes Python objects would. The recent part: dictionaries for
claims indexed since the bulk was read, and the set of bulk claims that no longer count (retired
or changed). ``ClaimIndex`` rebuilds the bulk once the recent part grows large.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from qinglang.rumors.models import ClaimVerdict

VERDICTS = tuple(ClaimVerdict)
VERDICT_CODES = {str(verdict): code for code, verdict in enumerate(VERDICTS)}


def _empty(dtype: type = np.int64) -> np.ndarray:
    return np.empty(0, dtype=dtype)


@dataclass(frozen=True)
class Snapshot:
    anchors: np.ndarray = field(default_factory=_empty)  # sorted
    owners: np.ndarray = field(default_factory=_empty)  # the claim of each anchor
    claim_ids: np.ndarray = field(default_factory=_empty)  # sorted, unique: the owners
    counts: np.ndarray = field(default_factory=_empty)  # anchors of each of ``claim_ids``
    text_ids: np.ndarray = field(default_factory=_empty)  # sorted: claims whose text is packed
    text_ends: np.ndarray = field(default_factory=_empty)  # end of each text in ``texts``
    verdicts: np.ndarray = field(default_factory=lambda: _empty(np.int8))  # codes into VERDICTS
    texts: bytes = b""
    recent: dict[int, tuple[int, ...]] = field(default_factory=dict)  # anchor -> claims indexed since
    recent_claims: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # text, verdict, anchors
    stale: frozenset[int] = frozenset()  # bulk claims that no longer count

    @property
    def pending(self) -> int:
        """How large the recent part has grown."""
        return len(self.recent_claims) + len(self.stale)

    def hits(self, anchors: Iterable[int], limit: int) -> list[tuple[int, int, int]]:
        """``(claim_id, shared anchors, claim's anchors)`` for the ``limit`` claims sharing the
        most anchors with the query, most first, then by ID."""
        query = np.fromiter(anchors, dtype=np.int64)
        found: Counter[int] = Counter()
        if query.size and self.anchors.size:
            left = np.searchsorted(self.anchors, query, side="left")
            right = np.searchsorted(self.anchors, query, side="right")
            spans = [self.owners[a:b] for a, b in zip(left.tolist(), right.tolist(), strict=True) if b > a]
            if spans:
                ids, shared = np.unique(np.concatenate(spans), return_counts=True)
                found.update(dict(zip(ids.tolist(), shared.tolist(), strict=True)))
        for claim_id in self.stale.intersection(found):
            del found[claim_id]
        if self.recent:
            for anchor in query.tolist():
                found.update(self.recent.get(anchor, ()))
        best = sorted(found.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
        return [(claim_id, shared, self._count(claim_id)) for claim_id, shared in best]

    def _count(self, claim_id: int) -> int:
        if claim_id in self.recent_claims:
            return self.recent_claims[claim_id][2]
        position = _position(self.claim_ids, claim_id)
        return int(self.counts[position]) if position is not None else 0

    def claim(self, claim_id: int) -> tuple[str, str] | None:
        """The text and verdict of an indexed active claim, or None."""
        if claim_id in self.recent_claims:
            text, verdict, _ = self.recent_claims[claim_id]
            return text, verdict
        position = None if claim_id in self.stale else _position(self.text_ids, claim_id)
        if position is None:
            return None
        start = int(self.text_ends[position - 1]) if position else 0
        text = self.texts[start:int(self.text_ends[position])].decode()
        return text, str(VERDICTS[self.verdicts[position]])

    def changed(self, removed: Iterable[int], added: dict[int, tuple[str, str, list[int]]]) -> Snapshot:
        """A new snapshot without ``removed`` claims and with ``added`` ones (id -> text, verdict,
        anchors) indexed; this one is left as it was for the readers still holding it."""
        gone = set(removed) | set(added)
        recent: dict[int, set[int]] = {a: set(ids) for a, ids in self.recent.items()}
        if gone & self.recent_claims.keys():
            for owners in recent.values():
                owners -= gone
        claims = {c: v for c, v in self.recent_claims.items() if c not in gone}
        for claim_id, (text, verdict, claim_anchors) in added.items():
            claims[claim_id] = (text, verdict, len(claim_anchors))
            for anchor in claim_anchors:
                recent.setdefault(anchor, set()).add(claim_id)
        in_bulk = frozenset(c for c in gone if _position(self.text_ids, c) is not None
                            or _position(self.claim_ids, c) is not None)
        return Snapshot(self.anchors, self.owners, self.claim_ids, self.counts, self.text_ids, self.text_ends,
                        self.verdicts, self.texts, {a: tuple(sorted(ids)) for a, ids in recent.items() if ids},
                        claims, self.stale | in_bulk)


def _position(ordered: np.ndarray, value: int) -> int | None:
    position = int(np.searchsorted(ordered, value))
    return position if position < ordered.size and int(ordered[position]) == value else None


def bulk(pairs: np.ndarray, text_ids: np.ndarray, texts: list[bytes], verdicts: np.ndarray) -> Snapshot:
    """A snapshot from (anchor, claim) pairs sorted by anchor and texts in claim ID order."""
    owners = pairs[:, 1].copy()
    claim_ids, counts = np.unique(owners, return_counts=True)
    ends = np.cumsum(np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)))
    return Snapshot(pairs[:, 0].copy(), owners, claim_ids, counts, text_ids, ends, verdicts, b"".join(texts))
