"""The pure engine (R9.1, R3.1): same facts, same verdict; the most restrictive rule wins;
shadow rules are reported and change nothing."""

from qinglang.detection.signals import Signals, Span
from qinglang.policy.compiler import compile_policy
from qinglang.policy.engine import evaluate
from qinglang.policy.facts import ClaimMatch, Facts

POLICY = """\
policy: test
rules:
  - id: insult-limit
    category: illegal.insult_slander
    cites: MR-7.7
    requirement: R7.3
    when: {score: {category: illegal.insult_slander, at_least: review}}
    action: limit
  - id: insult-block
    category: illegal.insult_slander
    cites: MR-7.7
    requirement: R7.3
    when: {score: {category: illegal.insult_slander, at_least: block}}
    action: block
  - id: minors-only
    category: bad.minor_harm
    cites: MR-8.2
    requirement: R8.2
    when:
      all:
        - flag: bad.minor_harm
        - author_minor: true
        - not: {kind: [message]}
    action: hold
    review: dual
    severity: high
  - id: try-clickbait
    category: bad.clickbait
    cites: MR-8.1
    requirement: R8.1
    when: {score: {category: bad.clickbait, at_least: 0.4}}
    action: block
    shadow: true
  - id: rumour
    category: illegal.false_information
    cites: MR-7.6
    requirement: R9.7
    when: {claim: {verdict: [false], band: high}}
    action: label
    labels: [false_information]
    recommendation: resist
"""
THRESHOLDS = {"illegal.insult_slander": {"block": 0.9, "review": 0.6}}


def _facts(scores: dict, **kwargs) -> Facts:  # noqa: ANN003
    evidence = [Span("illegal.insult_slander", 3, 5, "model")] if "illegal.insult_slander" in scores else []
    signals = Signals(scores=scores, flags=[c for c, s in scores.items() if s >= 0.5], evidence=evidence)
    return Facts(signals=signals, thresholds=THRESHOLDS, **kwargs)


def test_the_most_restrictive_matching_rule_decides() -> None:
    policy = compile_policy(POLICY, cited_versions={"MR-7.7": 3})
    verdict = evaluate(policy, _facts({"illegal.insult_slander": 0.95}))
    assert verdict.action == "block"
    assert [r.policy_rule for r in verdict.reasons] == ["insult-block", "insult-limit"]
    primary = verdict.primary
    assert (primary.cites, primary.cites_version, primary.requirement) == ("MR-7.7", 3, "R7.3")
    assert primary.evidence[0].start == 3 and verdict.recommendation == "prohibit"


def test_named_thresholds_come_from_the_detector() -> None:
    policy = compile_policy(POLICY)
    assert evaluate(policy, _facts({"illegal.insult_slander": 0.7})).action == "limit"
    assert evaluate(policy, _facts({"illegal.insult_slander": 0.5})).action == "allow"


def test_context_conditions_combine() -> None:
    policy = compile_policy(POLICY)
    minor_post = _facts({"bad.minor_harm": 0.8}, author_minor=True, kind="post")
    verdict = evaluate(policy, minor_post)
    assert (verdict.action, verdict.review, verdict.severity) == ("hold", "dual", "high")
    assert evaluate(policy, _facts({"bad.minor_harm": 0.8}, author_minor=False)).action == "allow"
    assert evaluate(policy, _facts({"bad.minor_harm": 0.8}, author_minor=True, kind="message")).action == "allow"


def test_shadow_rules_are_logged_without_effect() -> None:
    verdict = evaluate(compile_policy(POLICY), _facts({"bad.clickbait": 0.5}))
    assert verdict.action == "allow"
    assert [r.policy_rule for r in verdict.shadow] == ["try-clickbait"]


def test_claim_matches_label_and_resist() -> None:
    match = ClaimMatch(claim_id=7, verdict="false", similarity=0.93, band="high")
    verdict = evaluate(compile_policy(POLICY), _facts({}, claim_matches=(match,)))
    assert (verdict.action, verdict.labels, verdict.recommendation) == ("label", ("false_information",), "resist")


def test_same_facts_same_verdict() -> None:
    policy = compile_policy(POLICY)
    facts = _facts({"illegal.insult_slander": 0.75, "bad.clickbait": 0.9})
    assert evaluate(policy, facts) == evaluate(policy, facts)


def test_queue_rules_open_a_case_without_changing_the_action() -> None:
    policy = compile_policy(POLICY.replace("    action: limit\n", "    action: allow\n    queue: true\n", 1))
    verdict = evaluate(policy, _facts({"illegal.insult_slander": 0.7}))
    assert (verdict.action, verdict.queue) == ("allow", True)
    held = evaluate(policy, _facts({"bad.minor_harm": 0.8, "illegal.insult_slander": 0.7}, author_minor=True))
    assert (held.action, held.queue) == ("hold", False)  # a hold opens its own blocking case
