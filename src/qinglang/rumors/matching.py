"""Matching text against the debunk bank (R9.7): anchors find candidates, containment ranks them.

Two thresholds, as fact-checkers use them: at ``HIGH`` or above the item says the claim and the
policy labels it automatically (``claim: {band: high}``); between ``SUGGEST`` and ``HIGH`` it goes
to a reviewer as a suggested match (``band: suggest``). ``qinglang rumors eval`` prints recall
and precision at both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session

from qinglang.detection.signals import Span
from qinglang.policy.facts import ClaimMatch
from qinglang.rumors import index as claim_index
from qinglang.rumors import shingles

HIGH = 0.72
SUGGEST = 0.5
MAX_CANDIDATES = 12
# A candidate must share this share of its anchors; a 10% edit leaves well over half of them.
MIN_ANCHOR_SHARE = 0.25
CATEGORY = "illegal.false_information"

@dataclass(frozen=True)
class Match:
    claim_id: int
    verdict: str
    similarity: float

    @property
    def band(self) -> str | None:
        if self.similarity >= HIGH:
            return "high"
        return "suggest" if self.similarity >= SUGGEST else None

    def as_fact(self) -> ClaimMatch:
        return ClaimMatch(claim_id=self.claim_id, verdict=self.verdict, similarity=round(self.similarity, 4),
                          band=self.band or "none")


@lru_cache(maxsize=200_000)
def _claim_shingles(text: str) -> shingles.Shingled:
    # Claim texts rarely change and are matched over and over: shingle each once per process.
    return shingles.shingle(text)


def find(session: Session, text: str, *, minimum: float = SUGGEST, limit: int = 5) -> list[Match]:
    """Claims in the bank this text says, best first (only those at ``minimum`` or above)."""
    return find_in(bank(session), text, minimum=minimum, limit=limit)


def bank(session: Session) -> claim_index.Snapshot:
    """The bank's anchors, texts and verdicts in memory (``rumors.index``): no query per match."""
    return claim_index.for_session(session).snapshot(session)


def find_in(snapshot: claim_index.Snapshot, text: str, *, minimum: float = SUGGEST, limit: int = 5) -> list[Match]:
    item = shingles.shingle(text)
    if not item.matchable or not item.anchors:
        return []
    hits = snapshot.hits(item.anchors, MAX_CANDIDATES * 4)
    eligible = [h for h in hits if h[1] >= max(1, math.ceil(MIN_ANCHOR_SHARE * h[2]))]
    eligible.sort(key=lambda h: (-h[1] / max(h[2], 1), h[0]))
    found = []
    for claim_id, _, _ in eligible[:MAX_CANDIDATES]:
        claim = snapshot.claim(claim_id)
        if claim is None:
            continue
        claim_text, verdict = claim
        score = shingles.similarity(_claim_shingles(claim_text), item)
        if score >= minimum:
            found.append(Match(claim_id, str(verdict), score))
    found.sort(key=lambda m: (-m.similarity, m.claim_id))
    return found[:limit]


def item_text(title: str | None, body: str) -> str:
    return f"{title}\n{body}" if title else body


def claim_facts_in(snapshot: claim_index.Snapshot, title: str | None,
                   body: str) -> tuple[tuple[ClaimMatch, ...], list[Span]]:
    """What the policy needs: the matches as facts and a ``claim_match`` evidence span each.

    The span covers the body (a claim is said by the text as a whole, not by one phrase); its
    detail names the claim so reviewers and the author's notice can link the debunk.
    """
    matches = find_in(snapshot, item_text(title, body))
    spans = [
        Span(category=CATEGORY, start=0, end=len(body), source="claim_match",
             detail=f"claim:{m.claim_id} {m.verdict} similarity {m.similarity:.2f}")
        for m in matches
    ]
    return tuple(m.as_fact() for m in matches), spans
