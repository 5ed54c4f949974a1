"""Departments and routing rules as validated data, and the pure function that routes a report.

A report goes to every competent department (R4.1): the rules give the kinds of department a
category needs, the author's district picks the office of each kind, and a district without its
own office falls back to the municipal one.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from qinglang.detection.signals import CATEGORIES

SHIPPED_ROUTING = Path(__file__).with_name("departments.yaml")
SEVERITIES = ("low", "normal", "high", "severe")  # the policy engine's verdict severities

# Mainland mobiles, landlines with an area code, and 400/800 service lines; full-width digits
# are folded first because they are the cheapest way round a number filter.
_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?"
    r"(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8}|[48]00-?\d{3}-?\d{4})(?!\d)"
)
_FULL_WIDTH_DIGITS = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}


class DepartmentKind(enum.StrEnum):
    NETWORK_INFORMATION = "network_information"
    PUBLIC_SECURITY = "public_security"
    TELECOM_MANAGEMENT = "telecom_management"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class City(_Strict):
    code: str = Field(pattern=r"^\d{4}$", description="First 4 digits of the city's region codes.")
    name: str = Field(min_length=1)


class Department(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    kind: DepartmentKind
    name: str = Field(min_length=1, max_length=100)
    district: str | None = Field(None, pattern=r"^\d{6}$", description="None: the municipal office.")
    webhook: str = ""

    @field_validator("webhook")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("webhook must be an http(s) URL or empty")
        return value

    @property
    def level(self) -> str:
        return "municipal" if self.district is None else "district"


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,59}$")
    categories: list[str] = Field(min_length=1)
    severities: list[str] | None = None
    requires_phone_number: bool = False
    departments: list[DepartmentKind] = Field(min_length=1)

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if not is_category(c)]
        if unknown:
            raise ValueError(f"unknown categories {unknown} (see TAXONOMY.md)")
        return value

    @field_validator("severities")
    @classmethod
    def _known_severities(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and (not value or set(value) - set(SEVERITIES)):
            raise ValueError(f"severities must be a non-empty subset of {list(SEVERITIES)}")
        return value

    def applies(self, category: str, severity: str, has_phone_number: bool) -> bool:
        return (
            category in self.categories
            and (self.severities is None or severity in self.severities)
            and (has_phone_number or not self.requires_phone_number)
        )


@dataclass(frozen=True)
class Assignment:
    """One competent department for a report, and why it was chosen."""

    department: Department
    district: str | None  # the district the report is about, None when unknown
    routed_by: str  # author_region | platform_region | municipal
    rules: tuple[str, ...]


class Routing(_Strict):
    version: int = Field(ge=1)
    city: City
    departments: list[Department] = Field(min_length=1)
    rules: list[Rule]

    @model_validator(mode="after")
    def _consistent(self) -> Routing:
        problems: list[str] = []
        seen: set[str] = set()
        municipal: dict[DepartmentKind, str] = {}
        offices: set[tuple[DepartmentKind, str]] = set()
        for n, department in enumerate(self.departments):
            where = f"departments[{n}] ({department.id})"
            if department.id in seen:
                problems.append(f"{where}: duplicate id")
            seen.add(department.id)
            if department.district is None:
                if department.kind in municipal:
                    problems.append(f"{where}: a second municipal {department.kind} office")
                municipal[department.kind] = department.id
            elif not department.district.startswith(self.city.code) or department.district.endswith("00"):
                problems.append(f"{where}: district {department.district} is not a district of {self.city.code}")
            elif (department.kind, department.district) in offices:
                problems.append(f"{where}: a second {department.kind} office for {department.district}")
            else:
                offices.add((department.kind, department.district))
        rule_ids = [rule.id for rule in self.rules]
        for n, rule in enumerate(self.rules):
            if rule_ids.count(rule.id) > 1:
                problems.append(f"rules[{n}] ({rule.id}): duplicate id")
            for kind in rule.departments:
                if kind not in municipal:
                    problems.append(f"rules[{n}] ({rule.id}): no municipal {kind} office to fall back on")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def district_of(self, region_code: str | None) -> str | None:
        """The city district a region code names; None outside the city or for the city itself."""
        if not region_code or not re.fullmatch(r"\d{6}", region_code):
            return None
        if region_code.startswith(self.city.code) and not region_code.endswith("00"):
            return region_code
        return None

    def route(
        self,
        *,
        category: str,
        severity: str,
        author_region_code: str | None,
        platform_region_code: str,
        has_phone_number: bool,
    ) -> list[Assignment]:
        kinds: dict[DepartmentKind, list[str]] = {}
        for rule in self.rules:
            if rule.applies(category, severity, has_phone_number):
                for kind in rule.departments:
                    kinds.setdefault(kind, []).append(rule.id)
        district = self.district_of(author_region_code)
        routed_by = "author_region"
        if district is None:
            district = self.district_of(platform_region_code)
            routed_by = "platform_region"
        assignments = []
        for kind, rules in kinds.items():
            office = next(
                (d for d in self.departments if d.kind == kind and district and d.district == district),
                None,
            )
            if office is None:
                office = next(d for d in self.departments if d.kind == kind and d.district is None)
            assignments.append(
                Assignment(
                    department=office,
                    district=district,
                    routed_by=routed_by if office.district else "municipal",
                    rules=tuple(rules),
                )
            )
        return assignments


class RoutingError(ValueError):
    """The routing file is invalid; the message names each entry and field at fault."""


def is_category(category: str) -> bool:
    return category in CATEGORIES or bool(re.fullmatch(r"platform\.[a-z0-9_]+", category))


def phone_numbers(text: str) -> list[str]:
    folded = text.translate(_FULL_WIDTH_DIGITS)
    return sorted({re.sub(r"[- ]", "", m.group()) for m in _PHONE.finditer(folded)})


def parse_routing(text: str, source: str = "<routing>") -> Routing:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RoutingError(f"{source}: not valid YAML: {error}") from None
    try:
        return Routing.model_validate(data)
    except ValidationError as error:
        lines = [f"{source}: {'.'.join(map(str, e['loc'])) or '(file)'}: {e['msg']}" for e in error.errors()]
        raise RoutingError("\n".join(lines)) from None


@lru_cache(maxsize=8)
def load_routing(path: Path | None = None) -> Routing:
    path = path or SHIPPED_ROUTING
    return parse_routing(path.read_text(encoding="utf-8"), str(path))
