"""Validating a policy document and compiling it into engine objects.

Every problem is reported, not just the first, each with its path, file position and a hint,
and a policy with any problem compiles to nothing: it can never be half-applied.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from qinglang.detection.signals import CATEGORIES
from qinglang.policy.document import Path, PolicySyntaxError, Problem, SourceMap, load
from qinglang.policy.engine import (
    ACTIONS,
    RECOMMENDATION_MODES,
    REVIEW_MODES,
    SEVERITIES,
    Condition,
    Policy,
    PolicyRule,
)
from qinglang.policy.predicates import Predicate, is_category, suggest

REQUIREMENT_IDS = [
    "R3.1",
    "R4.1",
    "R4.2",
    "R5.1",
    "R6.1",
    "R7.1",
    "R7.2",
    "R7.3",
    "R8.1",
    "R8.2",
    "R9.1",
    "R9.2",
    "R9.3",
    "R9.4",
    "R9.5",
    "R9.6",
    "R9.7",
    "R10.1",
    "R10.2",
    "R10.3",
    "R11.1",
    "R11.2",
    "R12.1",
    "R12.2",
    "R12.3",
    "R13.1",
    "R13.2",
    "R13.3",
    "R13.4",
    "R13.5",
    "R14.1",
    "R14.2",
    "R14.3",
    "R14.4",
    "R15.1",
    "R15.2",
]
_TOP_KEYS = ("policy", "description", "rules")
_RULE_KEYS = (
    "id",
    "description",
    "category",
    "cites",
    "requirement",
    "when",
    "action",
    "labels",
    "recommendation",
    "severity",
    "report",
    "review",
    "shadow",
    "queue",
)
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_CITED_RULE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d+(?:\.\d+)?$")
_COMBINATORS = ("all", "any", "not")


class PolicyInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the policy")
        self.problems = problems


def compile_policy(
    text: str,
    *,
    known_rules: Collection[str] | None = None,
    version: str = "draft",
    cited_versions: dict[str, int] | None = None,
) -> Policy:
    """Compile or raise ``PolicyInvalid`` with every located problem.

    ``known_rules``: the published rule IDs a policy may cite; None skips that check (for a
    file checked away from any database).
    """
    try:
        data, source = load(text)
    except PolicySyntaxError as error:
        raise PolicyInvalid([error.problem]) from None
    report = Reporter(source)
    policy = _compile(data, report, known_rules, version, cited_versions or {})
    if report.problems:
        raise PolicyInvalid(
            sorted(report.problems, key=lambda p: (p.location.line, p.location.column) if p.location else (0, 0))
        )
    assert policy is not None
    return policy


class Reporter:
    """Collects problems, placing each at the file position of its path."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def __call__(self, problem: Problem) -> None:
        location = self.source.locate(problem.path)
        self.problems.append(Problem(problem.path, problem.message, problem.hint, location))


def _compile(
    data: Any, report: Reporter, known_rules: Collection[str] | None, version: str, cited_versions: dict[str, int]
) -> Policy | None:
    if not isinstance(data, dict):
        report(
            Problem(
                (),
                "a policy is a mapping with 'policy' and 'rules'",
                "start the file with 'policy: default' and 'rules:'",
            )
        )
        return None
    _unknown_keys(data, _TOP_KEYS, (), report)
    name = data.get("policy")
    if not isinstance(name, str) or not name.strip():
        report(Problem(("policy",), "the policy needs a name", "policy: default"))
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        report(Problem(("rules",), "the policy needs a list of rules", "rules:\n  - id: ..."))
        return None
    rules: list[PolicyRule] = []
    seen: dict[str, int] = {}
    for index, rule_data in enumerate(rules_data):
        rule = _rule(rule_data, ("rules", index), report, known_rules)
        if rule is None:
            continue
        if rule.id in seen:
            report(Problem(("rules", index, "id"), f"rule id {rule.id!r} is already used by rules[{seen[rule.id]}]"))
            continue
        seen[rule.id] = index
        rules.append(rule)
    return Policy(name=str(name), rules=tuple(rules), version=version, cited_versions=cited_versions)


def _rule(data: Any, path: Path, report: Reporter, known_rules: Collection[str] | None) -> PolicyRule | None:
    if not isinstance(data, dict):
        report(Problem(path, "a rule is a mapping", "- id: block-terrorism\n  when: ...\n  action: block"))
        return None
    count = len(report.problems)
    _unknown_keys(data, _RULE_KEYS, path, report)
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        report(
            Problem(
                path + ("id",),
                f"rule id {rule_id!r} must be lower-case letters, digits, '-', '_' or '.'",
                "id: block-terrorism",
            )
        )
    action = data.get("action")
    if action not in ACTIONS:
        report(Problem(path + ("action",), f"unknown action {action!r}", suggest(action, ACTIONS)))
    category = data.get("category")
    if category is not None and not is_category(category):
        report(Problem(path + ("category",), f"unknown category {category!r}", suggest(category, CATEGORIES)))
    if category is None and action in ("limit", "hold", "block"):
        report(
            Problem(
                path + ("category",),
                f"a rule that can {action} must name its category",
                "category: illegal.false_information",
            )
        )
    cites = data.get("cites")
    if not isinstance(cites, str) or not _CITED_RULE.match(cites):
        report(Problem(path + ("cites",), "every rule cites the published rule it applies (R3.1)", "cites: MR-7.6"))
    elif known_rules is not None and cites not in known_rules:
        report(
            Problem(
                path + ("cites",), f"{cites} is not a currently published rule", suggest(cites, sorted(known_rules))
            )
        )
    requirement = data.get("requirement")
    if requirement not in REQUIREMENT_IDS:
        report(
            Problem(
                path + ("requirement",), f"unknown requirement {requirement!r}", suggest(requirement, REQUIREMENT_IDS)
            )
        )
    labels = data.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(label, str) and label for label in labels):
        report(Problem(path + ("labels",), "labels is a list of names", "labels: [false_information]"))
    choices = (
        ("recommendation", RECOMMENDATION_MODES, None),
        ("severity", SEVERITIES, "normal"),
        ("review", REVIEW_MODES, "single"),
    )
    for key, allowed, _default in choices:
        if key in data and data[key] not in allowed:
            report(Problem(path + (key,), f"unknown {key} {data[key]!r}", suggest(data[key], allowed)))
    for key in ("report", "shadow", "queue"):
        if key in data and not isinstance(data[key], bool):
            report(Problem(path + (key,), f"{key} must be true or false, not {data[key]!r}"))
    if data.get("report") and category is None:
        report(Problem(path + ("report",), "a reported rule must name its category (reports are routed by it)"))
    when = _condition(data.get("when"), path + ("when",), report)
    if len(report.problems) != count or when is None:
        return None
    return PolicyRule(
        id=rule_id,
        description=str(data.get("description", "")),
        category=category,
        cites=cites,
        requirement=requirement,
        when=when,
        action=action,
        labels=tuple(labels),
        recommendation=data.get("recommendation"),
        severity=data.get("severity", "normal"),
        report=bool(data.get("report", False)),
        review=data.get("review", "single"),
        shadow=bool(data.get("shadow", False)),
        queue=bool(data.get("queue", False)),
    )


def _condition(data: Any, path: Path, report: Reporter) -> Condition | None:
    names = (*_COMBINATORS, *sorted(Predicate.registry))
    if not isinstance(data, dict) or len(data) != 1:
        report(Problem(path, "a condition is a mapping with exactly one key", f"one of: {', '.join(names)}"))
        return None
    ((key, value),) = data.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            report(Problem(path + (key,), f"'{key}' takes a non-empty list of conditions"))
            return None
        children = [_condition(child, path + (key, index), report) for index, child in enumerate(value)]
        if any(child is None for child in children):
            return None
        return Condition(op=key, children=tuple(c for c in children if c is not None))
    if key == "not":
        child = _condition(value, path + ("not",), report)
        return None if child is None else Condition(op="not", children=(child,))
    predicate_type = Predicate.registry.get(key)
    if predicate_type is None:
        report(Problem(path + (key,), f"unknown condition {key!r}", suggest(key, names)))
        return None
    predicate = predicate_type.parse(value, path + (key,), report)
    return None if predicate is None else Condition(op="leaf", predicate=predicate)


def _unknown_keys(data: dict, allowed: tuple[str, ...], path: Path, report: Reporter) -> None:
    for key in data:
        if key not in allowed:
            report(Problem(path + (key,), f"unknown key {key!r}", suggest(key, allowed)))
