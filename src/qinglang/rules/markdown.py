"""Reads the citable rules out of a published Markdown document.

A rule is a heading of level 2 to 4 that starts with a bracketed ID, e.g.
``### [FI-1] 编造、歪曲事实 (R7.2)``. Requirement IDs are taken from the heading, category IDs
from backticked taxonomy names in the rule's text. Errors name the line, so an editor can fix
the document before it is published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_RULE_HEADING = re.compile(r"^(#{2,4})\s+\[(?P<id>[^\]]*)\]\s*(?P<title>.*)$")
_ANY_HEADING = re.compile(r"^#{1,6}\s")
_RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d+(?:\.\d+)?$")
_REQUIREMENT = re.compile(r"\bR\d{1,2}\.\d{1,2}\b")
_CATEGORY = re.compile(r"`((?:illegal|bad|platform)\.[a-z_]+)`")
_TITLE = re.compile(r"^#\s+(.+)$", re.MULTILINE)


@dataclass
class ParsedRule:
    rule_id: str
    title: str
    text: str
    line: int
    requirements: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


@dataclass
class DocumentProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def document_title(body: str) -> str | None:
    match = _TITLE.search(body)
    return match.group(1).strip() if match else None


def parse_rules(body: str) -> tuple[list[ParsedRule], list[DocumentProblem]]:
    rules: list[ParsedRule] = []
    problems: list[DocumentProblem] = []
    current: ParsedRule | None = None
    lines: list[str] = []

    def close() -> None:
        if current is not None:
            current.text = "\n".join(lines).strip()
            current.categories = sorted(set(_CATEGORY.findall(current.text)))

    for number, line in enumerate(body.splitlines(), start=1):
        heading = _RULE_HEADING.match(line)
        if heading or _ANY_HEADING.match(line):
            close()
            current, lines = None, []
        if not heading:
            if current is not None:
                lines.append(line)
            continue
        rule_id, title = heading.group("id").strip(), heading.group("title").strip()
        if not _RULE_ID.match(rule_id):
            problems.append(
                DocumentProblem(number, f"rule ID [{rule_id}] should look like [FI-1] or [CONV-7.2]")
            )
            continue
        if any(rule.rule_id == rule_id for rule in rules):
            first = next(rule.line for rule in rules if rule.rule_id == rule_id)
            problems.append(DocumentProblem(number, f"rule ID [{rule_id}] already used on line {first}"))
            continue
        if not title:
            problems.append(DocumentProblem(number, f"rule [{rule_id}] has no title"))
            continue
        current = ParsedRule(rule_id, title, "", number, requirements=_REQUIREMENT.findall(title))
        rules.append(current)
    close()
    return rules, problems
