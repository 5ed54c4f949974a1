"""Credit rules as validated data: the score's parameters and the tiers with their service levels.

The shipped ``tiers.yaml`` is the default; ``QINGLANG_CREDIT_POLICY_PATH`` points at a platform's
own file. A malformed file is refused at load with the path of the offending key, never half-used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from qinglang.detection.signals import CATEGORIES
from qinglang.policy.engine import SEVERITIES

KINDS = ("post", "reply", "message", "danmaku")


class CreditPolicyInvalid(ValueError):
    """The credit file is malformed; the message names the key."""


@dataclass(frozen=True)
class RateLimit:
    count: int
    minutes: int


@dataclass(frozen=True)
class Tier:
    name: str
    min_score: int
    title: str
    meaning: str
    pre_review: bool = False
    recommendation: bool = True
    muted: bool = False
    rate_limits: Mapping[str, RateLimit] = field(default_factory=dict)


@dataclass(frozen=True)
class CreditPolicy:
    start: int
    max_score: int
    recovery_points_per_week: int
    upheld_report_bonus: int
    upheld_report_bonus_per_30_days: int
    malicious_report_penalty: int
    deductions: Mapping[str, int]
    severity_factors: Mapping[str, float]
    tiers: tuple[Tier, ...]  # highest min_score first

    def tier_for(self, score: int) -> Tier:
        return next((t for t in self.tiers if score >= t.min_score), self.tiers[-1])

    def deduction(self, categories: tuple[str, ...] | list[str], severity: str) -> tuple[int, str | None]:
        """Points a takedown costs and the category charged: the costliest of the verdict's."""
        charged = [(self.deductions[c], c) for c in categories if c in self.deductions]
        if not charged:
            return 0, None
        base, category = max(charged)
        return max(1, round(base * self.severity_factors.get(severity, 1.0))), category


def _require(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise CreditPolicyInvalid(f"{where}{key}: expected {kind.__name__}, got {value!r}")
    return value


def parse(text: str) -> CreditPolicy:
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise CreditPolicyInvalid("the credit policy is a mapping")
    known = {"start", "max_score", "recovery_points_per_week", "upheld_report_bonus",
             "upheld_report_bonus_per_30_days", "malicious_report_penalty", "deductions", "severity_factors", "tiers"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise CreditPolicyInvalid(f"unknown keys: {', '.join(unknown)}")
    numbers = {key: _require(data, key, int, "") for key in sorted(known - {"deductions", "severity_factors", "tiers"})}
    if any(value < 0 for value in numbers.values()) or numbers["max_score"] < numbers["start"]:
        raise CreditPolicyInvalid("numbers are ≥ 0 and max_score is at least start")
    deductions = _require(data, "deductions", dict, "")
    for category, points in deductions.items():
        if category not in CATEGORIES and not str(category).startswith("platform."):
            raise CreditPolicyInvalid(f"deductions.{category}: unknown category")
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            raise CreditPolicyInvalid(f"deductions.{category}: points are a whole number > 0")
    factors = _require(data, "severity_factors", dict, "")
    if set(factors) != set(SEVERITIES) or not all(isinstance(v, int | float) and v > 0 for v in factors.values()):
        raise CreditPolicyInvalid(f"severity_factors: a positive factor for each of {', '.join(SEVERITIES)}")
    tiers = tuple(_tier(raw, n) for n, raw in enumerate(_require(data, "tiers", list, "")))
    if not tiers or any(a.min_score <= b.min_score for a, b in zip(tiers, tiers[1:], strict=False)):
        raise CreditPolicyInvalid("tiers: list them highest min_score first, each strictly lower")
    if tiers[-1].min_score != 0:
        raise CreditPolicyInvalid("tiers: the last tier has min_score 0 so every score has a tier")
    if len({t.name for t in tiers}) != len(tiers):
        raise CreditPolicyInvalid("tiers: names are unique")
    return CreditPolicy(**numbers, deductions=dict(deductions),
                        severity_factors={k: float(v) for k, v in factors.items()}, tiers=tiers)


def _tier(raw: Any, n: int) -> Tier:
    where = f"tiers[{n}]."
    if not isinstance(raw, dict):
        raise CreditPolicyInvalid(f"tiers[{n}]: a tier is a mapping")
    allowed = {"name", "min_score", "title", "meaning", "pre_review", "recommendation", "muted", "rate_limits"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise CreditPolicyInvalid(f"{where}{unknown[0]}: unknown key")
    limits: dict[str, RateLimit] = {}
    for kind, limit in (raw.get("rate_limits") or {}).items():
        if kind not in KINDS:
            raise CreditPolicyInvalid(f"{where}rate_limits.{kind}: one of {', '.join(KINDS)}")
        count = _require(limit if isinstance(limit, dict) else {}, "count", int, f"{where}rate_limits.{kind}.")
        minutes = _require(limit, "minutes", int, f"{where}rate_limits.{kind}.")
        if count < 1 or minutes < 1:
            raise CreditPolicyInvalid(f"{where}rate_limits.{kind}: count and minutes are ≥ 1")
        limits[kind] = RateLimit(count, minutes)
    flags = {key: raw.get(key, default) for key, default in
             (("pre_review", False), ("recommendation", True), ("muted", False))}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise CreditPolicyInvalid(f"{where}{key}: true or false")
    return Tier(name=_require(raw, "name", str, where), min_score=_require(raw, "min_score", int, where),
                title=_require(raw, "title", str, where), meaning=_require(raw, "meaning", str, where),
                rate_limits=limits, **flags)


@lru_cache(maxsize=8)
def load(path: str | None = None) -> CreditPolicy:
    """The credit policy in force: the platform's file if configured, else the shipped one."""
    if path:
        return parse(Path(path).read_text(encoding="utf-8"))
    return parse((resources.files("qinglang.credit") / "tiers.yaml").read_text(encoding="utf-8"))
