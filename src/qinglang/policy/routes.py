"""Policy versions: read by staff, checked and published by admins (R9.1)."""

from __future__ import annotations

from fastapi import APIRouter, status

from qinglang.deps import Admin, DbSession, RuntimeDep, Staff
from qinglang.policy import schemas
from qinglang.policy import service as policy_service
from qinglang.policy.compiler import PolicyInvalid
from qinglang.review import tasks as review_tasks

router = APIRouter(prefix="/v1/policy", tags=["policy"])


@router.get("", response_model=schemas.PolicyVersion, summary="The policy in force")
def current(_: Staff, session: DbSession) -> schemas.PolicyVersion:
    record = policy_service.current_version(session)
    if record is None:
        return policy_service.get_version(session, 1)  # raises policy_not_found
    return schemas.PolicyVersion.model_validate(record)


@router.get("/versions", response_model=list[schemas.PolicyVersionSummary])
def versions(_: Staff, session: DbSession) -> list[schemas.PolicyVersionSummary]:
    return [schemas.PolicyVersionSummary.model_validate(v) for v in policy_service.versions(session)]


@router.get("/versions/{version}", response_model=schemas.PolicyVersion)
def version(version: int, _: Staff, session: DbSession) -> schemas.PolicyVersion:
    return schemas.PolicyVersion.model_validate(policy_service.get_version(session, version))


@router.post("/check", response_model=schemas.PolicyCheckResult,
             summary="Validate a draft: every problem with its line, column and a hint")
def check(body: schemas.PolicyCheck, _: Staff, session: DbSession) -> schemas.PolicyCheckResult:
    try:
        policy = policy_service.check(session, body.text)
    except PolicyInvalid as error:
        return schemas.PolicyCheckResult(valid=False, rules=0, problems=[p.to_json() for p in error.problems])
    return schemas.PolicyCheckResult(valid=True, rules=len(policy.rules), problems=[])


@router.post("/backtest", response_model=schemas.BacktestResult,
             summary="Replay a draft over the stored facts of decided items: what would change")
def backtest(body: schemas.PolicyCheck, _: Staff, session: DbSession) -> schemas.BacktestResult:
    try:
        draft = policy_service.check(session, body.text)
    except PolicyInvalid as error:
        raise policy_service.invalid_input(error) from None
    result = policy_service.backtest(session, draft)
    return schemas.BacktestResult(items=result.items, changed=result.changed, seconds=round(result.seconds, 3),
                                  by_transition=dict(result.by_transition), examples=result.examples)


@router.post("/versions", response_model=schemas.PolicyVersion, status_code=status.HTTP_201_CREATED,
             summary="Publish a new version; it is in force for the next decision")
def publish(body: schemas.PolicyCreate, admin: Admin, session: DbSession, runtime: RuntimeDep) -> schemas.PolicyVersion:
    record = policy_service.publish(session, body.text, summary=body.summary, publisher_id=admin.id)
    runtime.policies.invalidate()
    # R9.5: what is already published is judged again under the new policy.
    review_tasks.create_job(session, "policy", trigger=f"{record.name}@{record.version}", actor_id=admin.id)
    return schemas.PolicyVersion.model_validate(record)


routers = (router,)
