"""The reviewer workbench API (R11.1, R11.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from qinglang import pipeline
from qinglang.content import service as content_service
from qinglang.content.models import ContentItem, ContentState
from qinglang.content.schemas import ContentItem as ContentView
from qinglang.db import utcnow
from qinglang.deps import Admin, DbSession, RuntimeDep, Staff
from qinglang.detection.signals import CATEGORIES
from qinglang.errors import InvalidInput
from qinglang.identity import service as identity_service
from qinglang.identity.models import AccountEvent
from qinglang.review import schemas, staffing
from qinglang.review import service as review_service
from qinglang.review import tasks as review_tasks
from qinglang.review.models import ReviewCase

router = APIRouter(prefix="/v1/review", tags=["review"])


def _case(case: ReviewCase) -> schemas.Case:
    view = schemas.Case.model_validate(case)
    view.overdue = case.decided_at is None and case.due_at < utcnow()
    return view


@router.get(
    "/queue", response_model=schemas.CaseList, summary="Cases I can take: overdue first, then severity, reach, age"
)
def queue(reviewer: Staff, session: DbSession, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> schemas.CaseList:
    return schemas.CaseList(items=[_case(c) for c in review_service.queue(session, reviewer, limit=limit)])


@router.get(
    "/cases/{case_id}",
    response_model=schemas.CaseDetail,
    summary="A case with its content, evidence spans, reasons, decisions and the author's history",
)
def case_detail(case_id: int, _: Staff, session: DbSession) -> schemas.CaseDetail:
    case = review_service.get(session, case_id)
    item = content_service.get(session, case.content_id)
    author = identity_service.get(session, item.author_id)
    spans = {
        (e["category"], e["start"], e["end"], e["source"], e.get("field", "text")): e
        for reason in case.policy_reasons
        for e in reason.get("evidence", [])
    }
    removed = session.scalar(
        select(func.count(ContentItem.id)).where(
            ContentItem.author_id == author.id, ContentItem.state.in_((ContentState.REMOVED, ContentState.BLOCKED))
        )
    )
    total = session.scalar(select(func.count(ContentItem.id)).where(ContentItem.author_id == author.id))
    events = session.scalar(select(func.count(AccountEvent.id)).where(AccountEvent.account_id == author.id))
    return schemas.CaseDetail(
        **_case(case).model_dump(),
        content=ContentView.model_validate(item),
        reasons=case.policy_reasons,
        evidence=[schemas.EvidenceSpan(**span) for span in spans.values()],
        decisions=[schemas.DecisionView.model_validate(d) for d in review_service.decisions(session, case.id)],
        author=schemas.AuthorHistory(
            account_id=author.id,
            handle=author.handle,
            status=author.status,
            items_total=total or 0,
            items_removed=removed or 0,
            account_events=events or 0,
        ),
    )


@router.post("/cases/{case_id}/claim", response_model=schemas.Case, summary="Lock a case for a while")
def claim(case_id: int, reviewer: Staff, session: DbSession, runtime: RuntimeDep) -> schemas.Case:
    return _case(pipeline.claim_case(session, runtime.settings, case_id, reviewer))


@router.post("/cases/{case_id}/release", response_model=schemas.Case)
def release(case_id: int, reviewer: Staff, session: DbSession) -> schemas.Case:
    case = review_service.get(session, case_id)
    review_service.release(session, case, reviewer)
    return _case(case)


@router.post(
    "/cases/{case_id}/decision",
    response_model=schemas.DecisionResult,
    summary="Decide a claimed case, citing a published rule",
)
def decide(
    case_id: int, body: schemas.DecisionCreate, reviewer: Staff, session: DbSession, runtime: RuntimeDep
) -> schemas.DecisionResult:
    _, final = pipeline.decide_case(
        session,
        runtime.settings,
        case_id,
        reviewer,
        decision=body.decision,
        rule_id=body.rule_id,
        labels=body.labels,
        note=body.note,
    )
    case = review_service.get(session, case_id)
    item = content_service.get(session, case.content_id)
    return schemas.DecisionResult(case=_case(case), final=final, content_state=item.state)


@router.post(
    "/reviewers/{account_id}/qualifications",
    response_model=schemas.Qualifications,
    summary="Qualify a reviewer for categories (R11.2)",
)
def qualify(
    account_id: int, body: schemas.QualificationChange, admin: Admin, session: DbSession
) -> schemas.Qualifications:
    unknown = [c for c in body.categories if c not in CATEGORIES and not c.startswith("platform.")]
    if unknown:
        raise InvalidInput(f"unknown categories: {', '.join(unknown)}", code="unknown_category")
    account = identity_service.get(session, account_id)
    return schemas.Qualifications(
        account_id=account.id, categories=review_service.grant(session, account, body.categories, admin.id)
    )


@router.get(
    "/staffing", response_model=schemas.Staffing, summary="Throughput, backlog, time to decision, headcount (R11.2)"
)
def staffing_report(
    _: Staff, session: DbSession, runtime: RuntimeDep, days: Annotated[int, Query(ge=1, le=90)] = 7
) -> schemas.Staffing:
    return staffing.report(session, runtime.settings, days=days)


@router.post("/rereviews", response_model=schemas.RereviewJob, status_code=201,
             summary="Start a post-review backfill of published content (R9.5)")
def start_rereview(body: schemas.RereviewCreate, admin: Admin, session: DbSession) -> schemas.RereviewJob:
    job = review_tasks.create_job(session, body.reason, trigger=body.trigger, actor_id=admin.id)
    return schemas.RereviewJob.model_validate(job)


@router.get("/rereviews/{job_id}", response_model=schemas.RereviewJob, summary="Progress of a backfill")
def rereview_progress(job_id: int, _: Staff, session: DbSession) -> schemas.RereviewJob:
    return schemas.RereviewJob.model_validate(review_tasks.get_job(session, job_id))


routers = (router,)
