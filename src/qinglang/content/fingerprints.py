"""The fingerprint bank of removed content (R14.2): copies and re-posts are caught at submission.

Each removed item's MinHash signature is stored with its eight LSH band keys
(``detection.minhash``); a new item is compared only with items sharing a band key, and is a
copy when the estimated Jaccard similarity of their normalised 3-grams reaches ``COPY_SIMILARITY``.
Normalisation means spacing, punctuation, width, traditional characters and the other evasions
the detectors undo do not hide a copy.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from qinglang.content.models import ContentFingerprint
from qinglang.db import utcnow
from qinglang.detection import minhash

COPY_SIMILARITY = 0.7
_BAND_COLUMNS = [getattr(ContentFingerprint, f"band{n}") for n in range(minhash.BANDS)]
# Built once: this runs on every submission, and building the eight-way OR each time cost more
# than running it.
_CANDIDATES = (
    select(ContentFingerprint.content_id, ContentFingerprint.signature)
    .where(ContentFingerprint.revoked_at.is_(None),
           or_(*(column == bindparam(f"b{n}") for n, column in enumerate(_BAND_COLUMNS))))
    .limit(200)
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


def find_removed_original(session: Session, text: str, *, exclude_id: int | None = None) -> int | None:
    """The ID of a removed item this text is a near-copy of, if any."""
    sig = minhash.signature(text)
    if sig is None:
        return None
    keys = minhash.band_keys(sig)
    rows = session.execute(_CANDIDATES, {f"b{n}": key for n, key in enumerate(keys)})
    best_id, best = None, COPY_SIMILARITY
    for content_id, stored in rows:
        score = minhash.similarity(sig, minhash.from_bytes(stored))
        if content_id != exclude_id and score >= best:
            best_id, best = content_id, score
    return best_id
