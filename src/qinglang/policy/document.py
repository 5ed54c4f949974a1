"""Reading a policy file into plain data while remembering where every value came from, so that
validation errors can name the file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    hint: str | None = None
    location: Location | None = None

    def render(self, source: str = "policy") -> str:
        where = f"{source}:{self.location.line}:{self.location.column}" if self.location else source
        dotted = ".".join(str(part) for part in self.path) or "(top)"
        text = f"{where}: {dotted}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text

    def to_json(self) -> dict[str, Any]:
        return {
            "path": ".".join(str(part) for part in self.path),
            "line": self.location.line if self.location else None,
            "column": self.location.column if self.location else None,
            "message": self.message,
            "hint": self.hint,
        }


class SourceMap:
    def __init__(self) -> None:
        self._locations: dict[Path, Location] = {}

    def add(self, path: Path, node: yaml.Node) -> None:
        self._locations[path] = Location(node.start_mark.line + 1, node.start_mark.column + 1)

    def locate(self, path: Path) -> Location | None:
        # An absent key has no location: point at its nearest parent instead.
        while path not in self._locations and path:
            path = path[:-1]
        return self._locations.get(path)


class PolicySyntaxError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def load(text: str) -> tuple[Any, SourceMap]:
    """Parse YAML into dicts/lists/scalars and a map from each value's path to its location."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        location = Location(mark.line + 1, mark.column + 1) if mark else None
        message = getattr(error, "problem", None) or str(error)
        raise PolicySyntaxError(Problem((), f"not valid YAML: {message}", location=location)) from None
    source = SourceMap()
    if root is None:
        return None, source
    return _convert(root, (), source, yaml.SafeLoader("")), source


def _convert(node: yaml.Node, path: Path, source: SourceMap, scalars: yaml.SafeLoader) -> Any:
    source.add(path, node)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                location = Location(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                raise PolicySyntaxError(Problem(path + (key,), "key appears twice", location=location))
            result[key] = _convert(value_node, path + (key,), source, scalars)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, path + (index,), source, scalars) for index, child in enumerate(node.value)]
    return scalars.construct_object(node, deep=True)
