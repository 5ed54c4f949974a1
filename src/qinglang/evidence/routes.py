"""Evidence for staff and the authorities (R14.3): chain checks, case files, listings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from qinglang.db import utcnow
from qinglang.deps import DbSession, Staff, require_roles
from qinglang.evidence import schemas
from qinglang.evidence import service as evidence_service
from qinglang.identity.models import Account, Role

router = APIRouter(prefix="/v1/evidence", tags=["evidence"])
# Reviewers, admins and the authorities may check the chain and read case files.
EvidenceReader = Annotated[Account, Depends(require_roles(Role.ADMIN, Role.REVIEWER, Role.AUTHORITY))]


@router.get(
    "/verify",
    response_model=schemas.VerifyReport,
    summary="Walk the hash chain: OK, or the first bad record and what is wrong",
)
def verify_chain(_: EvidenceReader, session: DbSession) -> schemas.VerifyReport:
    return schemas.VerifyReport.of(evidence_service.verify(session), utcnow())


@router.get(
    "/subjects/{subject_type}/{subject_id}",
    response_model=schemas.CaseFile,
    summary="Case file: every record about one subject, with its chain proof",
)
def subject_case_file(
    _: EvidenceReader,
    session: DbSession,
    subject_type: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,39}$")],
    subject_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> schemas.CaseFile:
    records = evidence_service.for_subject(session, subject_type, subject_id)
    return schemas.CaseFile.of(subject_type, subject_id, records, evidence_service.head(session), utcnow())


@router.get("/records", response_model=schemas.EvidenceList, summary="Records in chain order")
def list_records(
    _: Staff,
    session: DbSession,
    tag: Annotated[str | None, Query(max_length=80, description="Exact tag.")] = None,
    tag_prefix: Annotated[str | None, Query(max_length=80, description="e.g. 'content:'.")] = None,
    after: Annotated[int | None, Query(ge=0, description="Page: records after this seq.")] = None,
    limit: Annotated[int, Query(ge=1, le=evidence_service.MAX_PAGE)] = 100,
) -> schemas.EvidenceList:
    records = evidence_service.listing(session, tag=tag, tag_prefix=tag_prefix, after=after, limit=limit)
    return schemas.EvidenceList(
        items=[schemas.EvidenceRecord.of(r) for r in records],
        next_after=records[-1].seq if len(records) == limit else None,
    )


routers = (router,)
