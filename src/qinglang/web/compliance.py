"""The compliance report: every requirement ID with its live figure and the tests that cover it.

The requirement list ships with the package (``requirements.yaml``). The tests are found by
reading the test sources for requirement IDs in docstrings (a module's docstring covers all its
tests), so the report cannot claim a test that does not exist. Figures come from the modules in
``FIGURE_MODULES``, each exposing ``FIGURES: dict[str, Callable[[Session, Settings], Figure]]``;
a requirement nobody measures yet is shown as not yet built, never as met.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from qinglang.settings import Settings

REQUIREMENTS_FILE = Path(__file__).parent / "requirements.yaml"
# A source checkout keeps the tests beside ``src``; an installed package has none.
DEFAULT_TESTS = Path(__file__).resolve().parents[3] / "tests"
# One line per domain that measures requirements; issue 5 and issue 6 add theirs here.
FIGURE_MODULES = ("qinglang.web.figures", "qinglang.web.figures_domains")

_REQUIREMENT_ID = re.compile(r"\bR\d{1,2}\.\d{1,2}\b")


@dataclass(frozen=True)
class Figure:
    status: str  # "met", "attention" or "pending"
    zh: str
    en: str


@dataclass(frozen=True)
class Requirement:
    id: str
    article: int
    zh: str
    en: str


@dataclass
class Row:
    requirement: Requirement
    figure: Figure
    tests: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.figure.status == "met" and not self.tests:
            return "attention"  # measured, but nothing proves the code does what the figure says
        return self.figure.status


@lru_cache
def requirements() -> tuple[Requirement, ...]:
    rows = yaml.safe_load(REQUIREMENTS_FILE.read_text(encoding="utf-8"))
    return tuple(Requirement(r["id"], int(r["article"]), r["zh"], r["en"]) for r in rows)


def covering_tests(tests_dir: Path) -> dict[str, list[str]]:
    """Requirement ID → test node IDs (``tests/x/test_y.py::test_z``) whose docstrings cite it."""
    found: dict[str, list[str]] = defaultdict(list)
    if not tests_dir.is_dir():
        return found
    root = tests_dir.parent
    for path in sorted(tests_dir.rglob("test_*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        module_ids = set(_REQUIREMENT_ID.findall(ast.get_docstring(tree) or ""))
        relative = path.relative_to(root).as_posix()
        for node in _test_functions(tree):
            ids = module_ids | set(_REQUIREMENT_ID.findall(ast.get_docstring(node) or ""))
            for requirement_id in sorted(ids):
                found[requirement_id].append(f"{relative}::{node.name}")
    return found


def _test_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            functions.append(node)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            functions.extend(
                n
                for n in node.body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test")
            )
    return functions


def figure_functions() -> dict[str, Callable[[Session, Settings], Figure]]:
    functions: dict[str, Callable[[Session, Settings], Figure]] = {}
    for name in FIGURE_MODULES:
        functions.update(importlib.import_module(name).FIGURES)
    return functions


NOT_BUILT = Figure("pending", "尚无实时数据：该功能正在开发中。", "No live figure yet: the capability is being built.")


@dataclass
class Report:
    rows: list[Row]
    generated_at: dt.datetime
    tests_found: bool

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


def build(session: Session, settings: Settings, tests_dir: Path | None = None) -> Report:
    from qinglang.db import utcnow

    tests_dir = tests_dir or DEFAULT_TESTS
    tests = covering_tests(tests_dir)
    functions = figure_functions()
    rows = []
    for requirement in requirements():
        measure = functions.get(requirement.id)
        figure = measure(session, settings) if measure else NOT_BUILT
        rows.append(Row(requirement, figure, tests.get(requirement.id, [])))
    return Report(rows=rows, generated_at=utcnow(), tests_found=tests_dir.is_dir())
