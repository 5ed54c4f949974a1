"""What the evidence API and the case-file export return. Timestamps that are hashed appear in
their canonical spelling, so a reader can recompute every hash from the JSON alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from qinglang.evidence import chain, models
from qinglang.evidence.service import Verification
from qinglang.schemas import ResponseModel

CANONICALISATION = (
    "hash = SHA-256 (lower-case hex) of the RFC 8785 (JCS) canonical JSON, UTF-8, of "
    '{"v": 1, "seq", "tag", "subject_type", "subject_id", "actor_id", "payload", '
    '"created_at", "prev_hash"}; the first record\'s prev_hash is 64 zeros'
)


class EvidenceRecord(ResponseModel):
    seq: int = Field(description="Position in the chain: gapless, increasing.")
    tag: str = Field(description="What happened, e.g. 'content:post:removed'.")
    subject_type: str
    subject_id: str
    actor_id: int | None = Field(description="Who acted; null for the system.")
    payload: dict[str, Any]
    created_at: str = Field(description="UTC, canonical: YYYY-MM-DDTHH:MM:SS.ffffffZ.")
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, record: models.EvidenceRecord) -> EvidenceRecord:
        return cls(
            seq=record.seq,
            tag=record.tag,
            subject_type=record.subject_type,
            subject_id=record.subject_id,
            actor_id=record.actor_id,
            payload=record.payload,
            created_at=chain.canonical_timestamp(record.created_at),
            prev_hash=record.prev_hash,
            hash=record.hash,
        )


class EvidenceList(ResponseModel):
    items: list[EvidenceRecord]
    next_after: int | None = Field(None, description="Pass as ?after= for the next page.")


class ChainHead(ResponseModel):
    seq: int
    hash: str


class CaseFile(ResponseModel):
    """Every record about one subject, with what a third party needs to recheck each hash."""

    format: str = "qinglang-evidence/1"
    canonicalisation: str = CANONICALISATION
    subject_type: str
    subject_id: str
    exported_at: dt.datetime
    chain_head: ChainHead = Field(description="The chain's last record when exported.")
    records: list[EvidenceRecord]

    @classmethod
    def of(
        cls,
        subject_type: str,
        subject_id: str,
        records: list[models.EvidenceRecord],
        head: tuple[int, str],
        now: dt.datetime,
    ) -> CaseFile:
        return cls(
            subject_type=subject_type,
            subject_id=subject_id,
            exported_at=now,
            chain_head=ChainHead(seq=head[0], hash=head[1]),
            records=[EvidenceRecord.of(r) for r in records],
        )


class Checkpoint(ResponseModel):
    purged_through_seq: int
    last_hash: str
    purged_count: int
    cutoff: dt.datetime
    created_at: dt.datetime


class Problem(ResponseModel):
    seq: int = Field(description="The first sequence number found wrong.")
    kind: str = Field(description="'modified', 'removed' or 'reordered'.")
    message: str


class VerifyReport(ResponseModel):
    ok: bool
    count: int = Field(description="Records checked (all records since the checkpoint).")
    first_seq: int | None
    last_seq: int
    head_hash: str
    oldest_at: dt.datetime | None
    oldest_age_days: float | None
    checkpoint: Checkpoint | None = Field(description="Where the chain starts after purges.")
    problem: Problem | None

    @classmethod
    def of(cls, result: Verification, now: dt.datetime) -> VerifyReport:
        age = None
        if result.oldest_at is not None:
            age = round((now - result.oldest_at).total_seconds() / 86400, 3)
        return cls(
            ok=result.ok,
            count=result.count,
            first_seq=result.first_seq,
            last_seq=result.last_seq,
            head_hash=result.head_hash,
            oldest_at=result.oldest_at,
            oldest_age_days=age,
            checkpoint=Checkpoint.model_validate(result.checkpoint) if result.checkpoint else None,
            problem=Problem.model_validate(result.problem, from_attributes=True) if result.problem else None,
        )
