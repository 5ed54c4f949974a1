"""The pure policy engine: facts in, a verdict with reasons out. Same inputs, same verdict;
nothing here reads the database or the clock, which is what makes backtests and audits work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qinglang.detection.signals import Span
from qinglang.policy.facts import Facts
from qinglang.policy.predicates import Predicate

# Ordered from least to most restrictive; the most restrictive matching rule wins.
ACTIONS = ("allow", "label", "limit", "hold", "block")
RECOMMENDATION_MODES = ("encourage", "neutral", "resist", "prohibit")
SEVERITIES = ("low", "normal", "high", "severe")
REVIEW_MODES = ("single", "dual")


@dataclass(frozen=True)
class Condition:
    """``all`` / ``any`` / ``not`` over predicates."""

    op: str  # "all" | "any" | "not" | "leaf"
    children: tuple[Condition, ...] = ()
    predicate: Predicate | None = None

    def test(self, facts: Facts) -> bool:
        if self.op == "leaf":
            assert self.predicate is not None
            return self.predicate.test(facts)
        if self.op == "all":
            return all(child.test(facts) for child in self.children)
        if self.op == "any":
            return any(child.test(facts) for child in self.children)
        return not self.children[0].test(facts)

    def evidence(self, facts: Facts) -> list[Span]:
        if self.op == "leaf":
            assert self.predicate is not None
            return self.predicate.evidence(facts)
        if self.op == "not":
            return []
        return [span for child in self.children if child.test(facts) for span in child.evidence(facts)]


@dataclass(frozen=True)
class PolicyRule:
    id: str
    description: str
    category: str | None
    cites: str  # a published rule ID, e.g. MR-7.6 (R3.1)
    requirement: str
    when: Condition
    action: str
    labels: tuple[str, ...] = ()
    recommendation: str | None = None
    severity: str = "normal"
    report: bool = False
    review: str = "single"
    shadow: bool = False
    # Open a review case without hiding the item: for signals too weak to act on alone.
    queue: bool = False


@dataclass(frozen=True)
class Policy:
    name: str
    rules: tuple[PolicyRule, ...]
    version: str = "draft"  # "<name>@<stored version>" once published
    # Published rule versions the rules cite, resolved when the policy is loaded.
    cited_versions: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    policy_rule: str
    action: str
    category: str | None
    cites: str
    cites_version: int | None
    requirement: str
    severity: str
    score: float | None
    evidence: tuple[Span, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "policy_rule": self.policy_rule,
            "action": self.action,
            "category": self.category,
            "rule_id": self.cites,
            "rule_version": self.cites_version,
            "requirement": self.requirement,
            "severity": self.severity,
            "score": self.score,
            "evidence": [span.to_json() for span in self.evidence],
        }


@dataclass(frozen=True)
class Verdict:
    action: str
    policy_version: str
    labels: tuple[str, ...] = ()
    recommendation: str = "neutral"
    severity: str = "low"
    report_categories: tuple[str, ...] = ()
    review: str = "single"
    reasons: tuple[Reason, ...] = ()
    shadow: tuple[Reason, ...] = ()
    queue: bool = False

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({r.category for r in self.reasons if r.category}))

    @property
    def primary(self) -> Reason | None:
        """The reason behind the action taken (the first rule with the winning action)."""
        return next((r for r in self.reasons if r.action == self.action), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "policy_version": self.policy_version,
            "labels": list(self.labels),
            "recommendation": self.recommendation,
            "severity": self.severity,
            "report_categories": list(self.report_categories),
            "review": self.review,
            "reasons": [reason.to_json() for reason in self.reasons],
            "shadow": [reason.to_json() for reason in self.shadow],
            "queue": self.queue,
        }


def evaluate(policy: Policy, facts: Facts) -> Verdict:
    matched: list[Reason] = []
    shadow: list[Reason] = []
    labels: set[str] = set()
    action, recommendation, severity, review = "allow", "neutral", "low", "single"
    reported: set[str] = set()
    queue = False
    for rule in policy.rules:
        if not rule.when.test(facts):
            continue
        reason = Reason(
            policy_rule=rule.id,
            action=rule.action,
            category=rule.category,
            cites=rule.cites,
            cites_version=policy.cited_versions.get(rule.cites),
            requirement=rule.requirement,
            severity=rule.severity,
            score=facts.signals.scores.get(rule.category) if rule.category else None,
            evidence=tuple(_dedupe(rule.when.evidence(facts))),
        )
        if rule.shadow:
            shadow.append(reason)
            continue
        matched.append(reason)
        labels.update(rule.labels)
        action = _most(ACTIONS, action, rule.action)
        severity = _most(SEVERITIES, severity, rule.severity)
        if rule.recommendation:
            recommendation = _most(RECOMMENDATION_MODES, recommendation, rule.recommendation)
        if rule.report and rule.category:
            reported.add(rule.category)
        if rule.action == "hold" and rule.review == "dual":
            review = "dual"
        queue = queue or rule.queue
    if action == "block":
        recommendation = "prohibit"
    # Rules that label or limit but do not say how to recommend still keep the item out of
    # boosted surfaces: a limited item is at least resisted.
    if action == "limit":
        recommendation = _most(RECOMMENDATION_MODES, recommendation, "resist")
    return Verdict(
        action=action,
        policy_version=policy.version,
        labels=tuple(sorted(labels)),
        recommendation=recommendation,
        severity=severity if matched else "low",
        report_categories=tuple(sorted(reported)),
        review=review,
        reasons=tuple(sorted(matched, key=lambda r: -ACTIONS.index(r.action))),
        shadow=tuple(shadow),
        queue=queue and action != "hold",
    )


def _most(order: tuple[str, ...], current: str, candidate: str) -> str:
    return candidate if order.index(candidate) > order.index(current) else current


def _dedupe(spans: list[Span]) -> list[Span]:
    seen: set[tuple] = set()
    unique = []
    for span in spans:
        key = (span.category, span.start, span.end, span.source, span.field)
        if key not in seen:
            seen.add(key)
            unique.append(span)
    return unique
