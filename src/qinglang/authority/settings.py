"""The authority domain's settings, read from the environment (prefix ``QINGLANG_``).

Kept apart from the core settings so that the routing and delivery knobs live with the code that
uses them; like the core settings, nothing is read at import time.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthoritySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QINGLANG_", extra="ignore")

    authority_routing_file: Path | None = Field(
        None, description="Departments and routing rules; default: the file shipped in the package."
    )
    authority_platform_region: str = Field(
        "",
        description=(
            "6-digit region code of the district where the platform is registered: the district "
            "for authors without a verified identity in the city. Empty: the municipal offices."
        ),
    )
    authority_webhook_secrets: dict[str, str] = Field(
        default_factory=dict,
        description='JSON object {"department-id": "secret"}: the HMAC key of each webhook.',
    )
    authority_max_attempts: int = Field(8, ge=1, le=100)
    authority_backoff_seconds: float = Field(30.0, gt=0)
    authority_backoff_cap_seconds: float = Field(6 * 3600.0, gt=0)
    authority_webhook_timeout_seconds: float = Field(10.0, gt=0, le=120)
    authority_delivery_batch: int = Field(50, ge=1, le=1000)
    authority_timezone: str = Field("Asia/Shanghai", description="Days in figures are local days.")

    @field_validator("authority_platform_region")
    @classmethod
    def _region_code(cls, value: str) -> str:
        if value and not re.fullmatch(r"\d{6}", value):
            raise ValueError("must be a 6-digit GB/T 2260 region code or empty")
        return value

    @field_validator("authority_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("authority_webhook_secrets")
    @classmethod
    def _no_weak_secrets(cls, value: dict[str, str]) -> dict[str, str]:
        weak = sorted(name for name, secret in value.items() if len(secret) < 16)
        if weak:
            raise ValueError(f"webhook secrets must be at least 16 characters: {', '.join(weak)}")
        return value

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.authority_timezone)


@lru_cache
def get_authority_settings() -> AuthoritySettings:
    return AuthoritySettings()
