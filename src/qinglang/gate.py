"""The pre-publication gate: what judges an item, for the pipeline, post review and inspection.

``PolicyGate`` runs the detection cascade, the fingerprint bank of removed content, the claim
bank and the policy in force, and returns a verdict with the facts it rests on; it never changes
state (``qinglang.apply`` does). ``PublishGate`` allows everything, for benchmarks that isolate
the platform core. Pre-publication review (R9.4), post review (R9.5) and real-time inspection
(R9.6) all judge through the same gate, so an item is judged the same way at every stage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from qinglang.content import fingerprints
from qinglang.content.models import ContentItem
from qinglang.detection.service import DetectorHolder
from qinglang.detection.signals import Signals
from qinglang.policy.engine import Verdict, evaluate
from qinglang.policy.facts import Facts
from qinglang.policy.service import PolicyHolder
from qinglang.rumors import matching as claim_matching


@dataclass(frozen=True)
class GateContext:
    """What the gate may consider besides the item: who wrote it, and at which stage."""

    author_is_minor: bool | None
    author_tier: str = "standard"
    stage: str = "pre_publication"
    reach: int = 0
    with_models: bool = True


class Gate(Protocol):
    name: str

    def review_many(self, session: Session, items: Sequence[ContentItem],
                    contexts: Sequence[GateContext]) -> list[tuple[Verdict, Facts]]:
        """The verdict on each item and the facts it rests on. Must not change state.

        Items may be drafts not stored yet (no ID): pre-publication review judges a whole batch
        of submissions before any of them is written."""
        ...

    def review(self, session: Session, item: ContentItem, context: GateContext) -> tuple[Verdict, Facts]:
        ...


class PublishGate:
    """Allows everything: isolates the platform core in benchmarks. Not for production."""

    name = "publish-all"

    def review_many(self, session: Session, items: Sequence[ContentItem],
                    contexts: Sequence[GateContext]) -> list[tuple[Verdict, Facts]]:
        return [(Verdict(action="allow", policy_version="none"), Facts(signals=Signals(), kind=str(item.kind)))
                for item in items]

    def review(self, session: Session, item: ContentItem, context: GateContext) -> tuple[Verdict, Facts]:
        return self.review_many(session, [item], [context])[0]


class PolicyGate:
    """Detection cascade + fingerprint bank + the policy in force (R9.4, R9.5, R9.6)."""

    name = "policy"

    def __init__(self, detectors: DetectorHolder, policies: PolicyHolder) -> None:
        self.detectors = detectors
        self.policies = policies
        self._points: tuple[object, Mapping[str, Mapping[str, float]]] | None = None

    def thresholds(self, detector: object) -> Mapping[str, Mapping[str, float]]:
        if self._points is None or self._points[0] is not detector:
            self._points = (detector, operating_points(detector))
        return self._points[1]

    def facts_many(self, session: Session, items: Sequence[ContentItem],
                   contexts: Sequence[GateContext]) -> list[Facts]:
        # The detectors, the fingerprint bank and the claim bank are each consulted once per
        # batch; per item only the pure work remains.
        detectors = {with_models: self.detectors.get(session, with_models=with_models)
                     for with_models in {context.with_models for context in contexts}}
        copies = fingerprints.find_removed_originals(session, [item.body for item in items],
                                                     exclude_ids=[item.id for item in items])
        claim_bank = claim_matching.bank(session)
        signals_of: dict[int, Signals] = {}
        for with_models, detector in detectors.items():
            members = [n for n, context in enumerate(contexts) if context.with_models == with_models]
            found = detector.detect_many([items[n].body for n in members], [items[n].title for n in members],
                                         [str(items[n].kind) for n in members])
            signals_of.update(zip(members, found, strict=True))
        facts = []
        for position, (item, context, copy_of) in enumerate(zip(items, contexts, copies, strict=True)):
            detector = detectors[context.with_models]
            signals = signals_of[position]
            # R9.7: the item against the debunk bank; each match is also an evidence span.
            claim_matches, claim_spans = claim_matching.claim_facts_in(claim_bank, item.title, item.body)
            signals.evidence.extend(claim_spans)
            facts.append(Facts(
                signals=signals, kind=str(item.kind), stage=context.stage, thresholds=self.thresholds(detector),
                author_minor=context.author_is_minor, author_tier=context.author_tier, reach=context.reach,
                copy_of_removed=copy_of, claim_matches=claim_matches,
            ))
        return facts

    def review_many(self, session: Session, items: Sequence[ContentItem],
                    contexts: Sequence[GateContext]) -> list[tuple[Verdict, Facts]]:
        policy = self.policies.get(session)
        return [(evaluate(policy, facts), facts) for facts in self.facts_many(session, items, contexts)]

    def review(self, session: Session, item: ContentItem, context: GateContext) -> tuple[Verdict, Facts]:
        return self.review_many(session, [item], [context])[0]


def operating_points(detector: object) -> Mapping[str, Mapping[str, float]]:
    """Per category, the scores the policy calls ``block`` and ``review``.

    Trained classifiers carry their own (chosen on validation data); the rule-scored categories
    block on one explicit curated term and review from the detector's flag threshold.
    """
    from qinglang.detection import cascade

    points: dict[str, dict[str, float]] = {
        category: {"block": cascade.BLOCK_FIRST, "review": cascade.RULE_THRESHOLD}
        for category in getattr(detector, "thresholds", {})
    }
    suite = getattr(detector, "suite", None)
    for category, levels in (getattr(suite, "thresholds", None) or {}).items():
        points[category] = {"block": float(levels["block"]), "review": float(levels["review"])}
    return points
