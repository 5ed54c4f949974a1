"""Credit transparency (R10.3): users see their score, tier, what tiers mean and why the score
moved; staff see any account's and admins adjust with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from qinglang.credit import schemas
from qinglang.credit import service as credit_service
from qinglang.credit.tiers import CreditPolicy, Tier
from qinglang.deps import Admin, CurrentAccount, DbSession, RuntimeDep, Staff
from qinglang.identity import service as identity_service

router = APIRouter(tags=["credit"])
Before = Annotated[int | None, Query(ge=1, description="Page: events with smaller IDs.")]
Limit = Annotated[int, Query(ge=1, le=credit_service.MAX_PAGE)]


def _tier(tier: Tier) -> schemas.TierView:
    return schemas.TierView(
        name=tier.name, min_score=tier.min_score, title=tier.title, meaning=tier.meaning,
        pre_review=tier.pre_review, recommendation=tier.recommendation, muted=tier.muted,
        rate_limits={k: schemas.RateLimitView(count=v.count, minutes=v.minutes) for k, v in tier.rate_limits.items()},
    )


def _credit(session: Session, policy: CreditPolicy, account_id: int, before: int | None,
            limit: int) -> schemas.Credit:
    current = credit_service.standing(session, policy, account_id)
    events = credit_service.history(session, account_id, before=before, limit=limit)
    return schemas.Credit(
        account_id=account_id, score=current.score, recovered=current.recovered, tier=_tier(current.tier),
        tiers=[_tier(t) for t in policy.tiers],
        history=[schemas.CreditEventView.model_validate(e) for e in events],
        next_before=events[-1].id if len(events) == limit else None,
    )


@router.get("/v1/me/credit", response_model=schemas.Credit,
            summary="My credit score, tier, what each tier means, and my history with reasons")
def my_credit(account: CurrentAccount, session: DbSession, runtime: RuntimeDep, before: Before = None,
              limit: Limit = 50) -> schemas.Credit:
    return _credit(session, credit_service.policy_of(runtime.settings), account.id, before, limit)


@router.get("/v1/credit/tiers", response_model=schemas.Tiers, tags=["public"],
            summary="How the credit score works and what each tier may do (published, R10.3)")
def tiers(runtime: RuntimeDep) -> schemas.Tiers:
    policy = credit_service.policy_of(runtime.settings)
    return schemas.Tiers(start=policy.start, max_score=policy.max_score,
                         recovery_points_per_week=policy.recovery_points_per_week,
                         deductions=dict(policy.deductions), severity_factors=dict(policy.severity_factors),
                         tiers=[_tier(t) for t in policy.tiers])


@router.get("/v1/credit/accounts/{account_id}", response_model=schemas.Credit, summary="An account's credit (staff)")
def account_credit(account_id: int, _: Staff, session: DbSession, runtime: RuntimeDep, before: Before = None,
                   limit: Limit = 50) -> schemas.Credit:
    identity_service.get(session, account_id)
    return _credit(session, credit_service.policy_of(runtime.settings), account_id, before, limit)


@router.post("/v1/admin/credit/{account_id}/adjustments", response_model=schemas.Credit,
             status_code=status.HTTP_201_CREATED, summary="Adjust an account's credit with a reason (recorded)")
def adjust(account_id: int, body: schemas.Adjustment, admin: Admin, session: DbSession,
           runtime: RuntimeDep) -> schemas.Credit:
    identity_service.get(session, account_id)
    policy = credit_service.policy_of(runtime.settings)
    credit_service.adjust(session, policy, account_id=account_id, points=body.points, reason=body.reason,
                          actor_id=admin.id)
    return _credit(session, policy, account_id, None, 50)


routers = (router,)
