"""Typed settings, read from the environment (prefix ``QINGLANG_``) and nothing else.

Nothing here connects to anything; ``get_settings()`` is called by the app factory, the CLI
and tests, never at import time.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_VAR_DIR = Path("var")
INSECURE_SECRETS = {"", "changeme", "secret", "change-me"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QINGLANG_", extra="ignore")

    environment: str = Field("embedded", description="'embedded' (default) or 'production'.")
    var_dir: Path = DEFAULT_VAR_DIR
    database_url: str = ""
    secret_key: str = Field(
        "",
        description=(
            "Key for the HMAC of identity numbers and mobile numbers. Embedded mode creates "
            "one in var/secret.key; production refuses to start without it."
        ),
    )

    # Identity (R10.2)
    max_accounts_per_identity: int = Field(3, ge=1, le=100)
    minor_age: int = Field(18, ge=1, le=30)
    identity_verifier: str = Field("offline", description="'offline' or 'module:attribute'.")
    token_ttl_hours: int = Field(24 * 30, ge=1)
    # scrypt's N; tests lower it to keep the suite fast, production keeps the default.
    password_hash_cost: int = Field(2**14, ge=2**10)

    # Request bounds
    max_body_bytes: int = Field(64 * 1024, ge=1024)
    max_text_chars: int = Field(10_000, ge=100)
    max_title_chars: int = Field(200, ge=10)
    max_danmaku_chars: int = Field(100, ge=10)

    # Detection budget (R9.4): run the trained classifiers after publication instead of inside
    # the request; lexicons, privacy, spam and fingerprints always run before publication.
    defer_models: bool = False
    # Group commit of submissions (qinglang.intake): requests that arrive while a batch is being
    # judged and committed wait for the next one, so one commit (one fsync) serves many.
    intake_max_batch: int = Field(64, ge=1, le=1000, description="Most submissions committed together.")
    intake_gather_ms: float = Field(2.0, ge=0, le=50, description="How long a batch waits for company.")
    # Batches in flight per process. One keeps batches large, which is what a CPU-bound server
    # wants (more processes overlap each other's commits); more help when the database is far
    # away. SQLite has one writer, so it always uses one.
    intake_threads: int = Field(1, ge=1, le=32, description="Concurrent submission batches per process.")
    # Periodic work in the serving process (report delivery, re-review jobs). Off when separate
    # `qinglang worker` processes do it.
    run_periodic_tasks: bool = True

    # Human review (R11.1, R11.2)
    review_claim_minutes: int = Field(15, ge=1, le=240, description="How long a claim locks a case.")
    review_sla_hours: dict[str, float] = Field(
        default_factory=lambda: {"severe": 1, "high": 4, "normal": 24, "low": 72},
        description="Time to decision per severity; overdue cases come first in the queue.",
    )
    reviewer_productive_hours: float = Field(6.5, gt=0, le=24, description="Review hours per reviewer-day.")

    # Evidence retention (R14.3): 6 months is the legal minimum, not just a default.
    evidence_retention_days: int = Field(183, ge=183)

    # Governed recommendation (R12.1): feeds rank a precomputed pool of recent posts.
    feed_pool_seconds: float = Field(10.0, ge=0, description="How stale a feed's candidate pool may be (0: none).")
    feed_pool_size: int = Field(5000, ge=100, le=200_000, description="Newest recommendable posts in the pool.")

    # Complaints and appeals (R13.4; defaults justified in docs/complaints.md and published in the
    # reporting-methods document, RM-2: keep both in step).
    complaint_accept_hours: float = Field(24, gt=0, description="Time to accept a report.")
    complaint_dispose_hours: float = Field(7 * 24, gt=0, description="Time to dispose of a report.")
    complaint_severe_dispose_hours: float = Field(24, gt=0, description="Disposal time for severe categories.")
    complaint_severe_categories: list[str] = Field(
        default_factory=lambda: ["illegal.national_security", "illegal.terrorism", "illegal.violence",
                                 "illegal.pornography", "illegal.privacy"],
    )
    appeal_window_days: int = Field(15, ge=1, le=365, description="How long after a decision it can be appealed.")
    # Account credit (R10.3): a YAML file like qinglang/credit/tiers.yaml; empty = the shipped one.
    credit_policy_path: str = ""

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        if value not in {"embedded", "production"}:
            raise ValueError("environment must be 'embedded' or 'production'")
        return value

    @model_validator(mode="after")
    def _fill_embedded_defaults(self) -> Settings:
        if not self.database_url:
            if self.environment == "production":
                raise ValueError("QINGLANG_DATABASE_URL is required in production")
            self.database_url = f"sqlite:///{self.var_dir / 'qinglang.db'}"
        if self.secret_key in INSECURE_SECRETS:
            if self.environment == "production":
                raise ValueError("QINGLANG_SECRET_KEY must be set to a random value in production")
            self.secret_key = _embedded_secret(self.var_dir)
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _embedded_secret(var_dir: Path) -> str:
    """One random key per installation, kept beside the embedded database."""
    path = var_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
