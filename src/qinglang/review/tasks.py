"""Post review (R9.5): re-judging published content in resumable batches.

The task owns its transactions: one per batch, so a crash loses at most the batch in flight and
a restart continues from the job's cursor. Machines only tighten (``apply.target_state``), and
items a reviewer has decided are left to their reviewer.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from qinglang import apply
from qinglang.content.models import ContentItem, ContentKind, ContentState
from qinglang.db import transaction, utcnow
from qinglang.errors import NotFound
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.pipeline import Gate, GateContext
from qinglang.policy.models import Decision
from qinglang.review.models import RereviewJob
from qinglang.settings import Settings

REASONS = ("policy", "model", "lexicon", "rumour", "complaint", "manual")
_RECHECKED = (ContentState.PUBLISHED, ContentState.LIMITED)
_RECHECKED_KINDS = (ContentKind.POST, ContentKind.REPLY, ContentKind.DANMAKU)


def _candidates(after_id: int):  # noqa: ANN202 - a select
    return select(ContentItem).where(
        ContentItem.id > after_id, ContentItem.state.in_(_RECHECKED), ContentItem.kind.in_(_RECHECKED_KINDS)
    )


def create_job(
    session: Session, reason: str, *, trigger: str | None = None, actor_id: int | None = None
) -> RereviewJob:
    total = session.scalar(select(func.count()).select_from(_candidates(0).subquery())) or 0
    job = RereviewJob(reason=reason, trigger=trigger, status="pending", total=total, created_by=actor_id)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: int) -> RereviewJob:
    job = session.get(RereviewJob, job_id)
    if job is None:
        raise NotFound(f"re-review job {job_id} does not exist", code="job_not_found")
    return job


def pending_job_ids(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(RereviewJob.id).where(RereviewJob.status.in_(("pending", "running"))).order_by(RereviewJob.id)
        )
    )


def _human_decided(session: Session, item_ids: list[int]) -> set[int]:
    return set(
        session.scalars(
            select(Decision.content_id).where(Decision.content_id.in_(item_ids), Decision.stage == "review")
        )
    )


def run_job(
    factory: sessionmaker[Session],
    settings: Settings,
    gate: Gate,
    job_id: int,
    *,
    batch: int = 200,
    progress: Callable[[int], None] | None = None,
    max_batches: int | None = None,
) -> RereviewJob:
    """Run (or resume) a job to the end, or for ``max_batches`` batches."""
    batches = 0
    while max_batches is None or batches < max_batches:
        with transaction(factory) as session:
            job = get_job(session, job_id)
            if job.status == "done":
                return job
            if job.status == "pending":
                job.status, job.started_at = "running", utcnow()
            items = list(session.scalars(_candidates(job.cursor).order_by(ContentItem.id).limit(batch)))
            if not items:
                job.status, job.finished_at = "done", utcnow()
                return job
            skip = _human_decided(session, [item.id for item in items])
            for item in items:
                if item.id not in skip and _recheck(session, settings, gate, item, job):
                    job.changed += 1
            job.cursor = items[-1].id
            job.processed += len(items)
            done = len(items)
        batches += 1
        if progress is not None:
            progress(done)
    with factory() as session:
        return get_job(session, job_id)


def _recheck(session: Session, settings: Settings, gate: Gate, item: ContentItem, job: RereviewJob) -> bool:
    author = session.get(Account, item.author_id)
    context = GateContext(
        author_is_minor=identity_service.is_minor(author, settings) if author else None, stage="post_review"
    )
    verdict, facts = gate.review(session, item, context)
    unchanged = apply.target_state(ContentState(item.state), verdict.action, human=False) == item.state
    if unchanged and set(verdict.labels) <= set(item.labels):
        return False  # nothing new to record: repeated backfills add no noise
    apply.apply_verdict(
        session, settings, item, verdict, facts=facts, stage="post_review", source=f"rereview:{job.id}:{job.reason}"
    )
    return True
