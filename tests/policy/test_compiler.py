"""R9.1, R3.1: policies are validated data; every problem is located with a hint."""

import pytest

from qinglang.policy import service as policy_service
from qinglang.policy.compiler import PolicyInvalid, compile_policy

GOOD = """\
policy: test
rules:
  - id: block-terror
    category: illegal.terrorism
    cites: MR-7.2
    requirement: R7.1
    when: {score: {category: illegal.terrorism, at_least: block}}
    action: block
"""


def _problems(text: str, **kwargs) -> list[str]:  # noqa: ANN003
    with pytest.raises(PolicyInvalid) as caught:
        compile_policy(text, **kwargs)
    return [p.render("p.yaml") for p in caught.value.problems]


def test_the_shipped_policy_is_valid_against_the_published_rules(db) -> None:
    policy = policy_service.check(db, policy_service.shipped_policy_text())
    assert policy.name == "default"
    assert {rule.requirement for rule in policy.rules} >= {"R7.1", "R7.2", "R7.3", "R8.1", "R8.2", "R14.2"}
    assert all(policy.cited_versions[rule.cites] >= 1 for rule in policy.rules)


def test_typos_are_located_with_a_suggestion() -> None:
    text = GOOD.replace("action: block", "action: blok").replace("at_least: block", "at_least: 1.5")
    assert _problems(text) == [
        "p.yaml:7:59: rules.0.when.score.at_least: at_least must be a number in [0, 1] or one of block, "
        "review, not 1.5\n  hint: one of: block, review",
        "p.yaml:8:13: rules.0.action: unknown action 'blok'\n  hint: did you mean 'block'?",
    ]


def test_unknown_keys_categories_and_conditions_are_reported() -> None:
    text = GOOD.replace("    category: illegal.terrorism\n", "    category: illegal.terorism\n    severty: high\n")
    text = text.replace("when: {score:", "when: {scroe:")
    problems = _problems(text)
    assert any("rules.0.severty: unknown key 'severty'" in p and "did you mean 'severity'" in p for p in problems)
    assert any("unknown category 'illegal.terorism'" in p and "illegal.terrorism" in p for p in problems)
    assert any("unknown condition 'scroe'" in p and "did you mean 'score'" in p for p in problems)


def test_a_rule_must_cite_a_published_rule() -> None:
    problems = _problems(GOOD.replace("cites: MR-7.2", "cites: MR-7.99"), known_rules={"MR-7.2", "MR-7.1"})
    assert problems == [
        "p.yaml:5:12: rules.0.cites: MR-7.99 is not a currently published rule\n  hint: did you mean 'MR-7.2'?"
    ]
    missing = _problems(GOOD.replace("    cites: MR-7.2\n", ""))
    assert "every rule cites the published rule it applies (R3.1)" in missing[0]


def test_duplicate_rule_ids_and_yaml_errors() -> None:
    duplicated = GOOD + GOOD.split("rules:\n")[1]
    assert _problems(duplicated) == ["p.yaml:9:9: rules.1.id: rule id 'block-terror' is already used by rules[0]"]
    assert _problems("policy: x\nrules: [\n")[0].startswith("p.yaml:3:1: (top): not valid YAML")


def test_blocking_needs_a_category_and_reports_need_one_too() -> None:
    text = GOOD.replace("    category: illegal.terrorism\n", "").replace(
        "action: block", "action: block\n    report: true"
    )
    problems = _problems(text)
    assert any("a rule that can block must name its category" in p for p in problems)
    assert any("a reported rule must name its category" in p for p in problems)
