"""The fingerprint bank of removed content (R14.2): copies and re-posts are caught at submission.

Each removed item's MinHash signature is stored with its eight LSH band keys
(``detection.minhash``); a new item is compared only with items sharing a band key, and is a
copy when the estimated Jaccard similarity of their normalised 3-grams reaches ``COPY_SIMILARITY``.
Normalisation means spacing, punctuation, width, traditional characters and the other evasions
the detectors undo do not hide a copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, any_, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from qinglang.content.models import ContentFingerprint
from qinglang.db import utcnow
from qinglang.detection import minhash

COPY_SIMILARITY = 0.7
_BAND_COLUMNS = [getattr(ContentFingerprint, f"band{n}") for n in range(minhash.BANDS)]
# Candidates compared per text: a band key shared by more items than this is noise, not a copy.
_CANDIDATE_LIMIT = 200
_KEY_ARRAY = ARRAY(BigInteger)


# PostgreSQL: one array per band, in a statement built once, so its text is the same whatever
# the batch and it is prepared once instead of parsed with hundreds of parameters each time.
_SHARING_A_BAND = (
    select(ContentFingerprint.content_id, ContentFingerprint.signature, *_BAND_COLUMNS)
    .where(ContentFingerprint.revoked_at.is_(None),
           or_(*(column == any_(bindparam(f"band{band}", type_=_KEY_ARRAY))
                 for band, column in enumerate(_BAND_COLUMNS))))
    .limit(bindparam("limit"))
)


def add(session: Session, content_id: int, text: str) -> None:
    sig = minhash.signature(text)
    if sig is None:
        return
    bands = {f"band{n}": key for n, key in enumerate(minhash.band_keys(sig))}
    session.add(ContentFingerprint(content_id=content_id, signature=minhash.to_bytes(sig), **bands))


def revoke(session: Session, content_id: int) -> None:
    """A reversed removal takes the item out of the bank."""
    session.execute(update(ContentFingerprint)
                    .where(ContentFingerprint.content_id == content_id, ContentFingerprint.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def find_removed_originals(session: Session, texts: Sequence[str], *,
                           exclude_ids: Sequence[int | None] | None = None) -> list[int | None]:
    """For each text, the ID of a removed item it is a near-copy of, if any: one query for the
    whole batch of submissions."""
    signatures = minhash.signatures(texts)
    present = [sig for sig in signatures if sig is not None]
    present_keys = iter(minhash.band_keys_many(present))
    keys = [next(present_keys) if sig is not None else None for sig in signatures]
    wanted: list[set[int]] = [set() for _ in range(minhash.BANDS)]
    for item_keys in keys:
        for band, key in enumerate(item_keys or ()):
            wanted[band].add(key)
    if not wanted[0]:
        return [None] * len(texts)
    limit = _CANDIDATE_LIMIT * len(texts)
    if session.get_bind().dialect.name == "postgresql":
        candidates = session.execute(_SHARING_A_BAND, {
            "limit": limit, **{f"band{band}": sorted(keys) for band, keys in enumerate(wanted)}}).all()
    else:
        shares_band = or_(*(column.in_(sorted(wanted[band])) for band, column in enumerate(_BAND_COLUMNS)))
        candidates = session.execute(
            select(ContentFingerprint.content_id, ContentFingerprint.signature, *_BAND_COLUMNS)
            .where(ContentFingerprint.revoked_at.is_(None), shares_band)
            .limit(limit)
        ).all()
    found: list[int | None] = []
    for position, (sig, item_keys) in enumerate(zip(signatures, keys, strict=True)):
        exclude_id = exclude_ids[position] if exclude_ids else None
        best_id, best = None, COPY_SIMILARITY
        if sig is not None and item_keys is not None:
            for content_id, stored, *bands in candidates:
                if content_id == exclude_id or not any(a == b for a, b in zip(bands, item_keys, strict=True)):
                    continue
                score = minhash.similarity(sig, minhash.from_bytes(stored))
                if score >= best:
                    best_id, best = content_id, score
        found.append(best_id)
    return found
