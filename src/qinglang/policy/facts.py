"""What the engine decides on: the detector's signals and the context of the item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from qinglang.detection.signals import Signals

STAGES = ("pre_publication", "post_review", "inspection", "complaint")


@dataclass(frozen=True)
class ClaimMatch:
    """A match of the item against the debunk bank (R9.7)."""

    claim_id: int
    verdict: str  # false | misleading | unverified | true
    similarity: float
    band: str  # "high" (label automatically) or "suggest" (send to a reviewer)


@dataclass(frozen=True)
class Facts:
    signals: Signals
    kind: str = "post"
    stage: str = "pre_publication"
    # The detector's operating points per category: {"block": p, "review": p}.
    thresholds: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    author_minor: bool | None = None
    author_tier: str = "standard"
    reach: int = 0
    # ID of a removed item this one is a copy of (R14.2), if any.
    copy_of_removed: int | None = None
    claim_matches: tuple[ClaimMatch, ...] = ()
