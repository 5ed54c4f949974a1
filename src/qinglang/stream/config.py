"""Stream settings, read from the environment with the project's ``QINGLANG_`` prefix."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StreamSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QINGLANG_STREAM_", extra="ignore")

    url: str = Field("", description="Empty: in-process delivery. 'nats://host:4222': JetStream.")
    name: str = Field("QINGLANG", pattern=r"^[A-Za-z0-9_-]{1,64}$", description="JetStream stream.")
    subject_prefix: str = Field(
        "qinglang",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="First subject token; the stream captures '<prefix>.>'.",
    )
    in_process: bool = Field(True, description="Let the API process deliver or relay the outbox.")
    ack_wait_seconds: float = Field(30.0, gt=0, description="Redelivery delay after a worker dies.")
    max_deliver: int = Field(10, ge=1, description="Attempts before a message is set aside.")
    duplicate_window_seconds: float = Field(120.0, gt=0, description="JetStream de-duplication.")
    poll_seconds: float = Field(
        1.0, gt=0, description="Outbox poll interval when nothing wakes us."
    )
    batch: int = Field(100, ge=1, le=10_000)
    fetch: int = Field(64, ge=1, le=1_000, description="Messages a worker pulls at a time.")
    batch_seconds: float = Field(
        0.1, gt=0, description="How long a worker's transaction may run before it commits and acks."
    )
    publish_timeout_seconds: float = Field(
        5.0, gt=0, description="How long the relay waits for JetStream to acknowledge a batch."
    )

    @property
    def uses_jetstream(self) -> bool:
        return bool(self.url)

    def nats_subject(self, subject: str) -> str:
        return f"{self.subject_prefix}.{subject}"

    def local_subject(self, nats_subject: str) -> str:
        return nats_subject.removeprefix(f"{self.subject_prefix}.")
