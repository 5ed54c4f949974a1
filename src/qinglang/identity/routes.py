from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy.orm import Session

from qinglang.deps import Admin, CurrentAccount, DbSession, RuntimeDep
from qinglang.identity import schemas
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account
from qinglang.rules import service as rules_service
from qinglang.runtime import Runtime

router = APIRouter(prefix="/v1", tags=["identity"])


def account_view(session: Session, runtime: Runtime, account: Account) -> schemas.Account:
    return schemas.Account(
        id=account.id,
        handle=account.handle,
        role=account.role,
        status=account.status,
        status_until=account.status_until,
        muted_until=account.muted_until,
        restrictions=list(account.restrictions),
        mobile_masked=account.mobile_masked,
        verified=account.identity_id is not None,
        is_minor=identity_service.is_minor(account, runtime.settings),
        agreement_version_accepted=rules_service.accepted_version(session, account.id),
        created_at=account.created_at,
    )


@router.post("/accounts", status_code=status.HTTP_201_CREATED, response_model=schemas.Token,
             tags=["public"], summary="Register an account (R9.2)")
def register(body: schemas.AccountCreate, session: DbSession, runtime: RuntimeDep) -> schemas.Token:
    account = identity_service.register(
        session, runtime.settings, handle=body.handle, password=body.password, mobile=body.mobile
    )
    token, record = identity_service.sign_in(session, runtime.settings, body.handle, body.password)
    return schemas.Token(token=token, expires_at=record.expires_at,
                         account=account_view(session, runtime, account))


@router.post("/sessions", response_model=schemas.Token, tags=["public"], summary="Sign in")
def sign_in(body: schemas.SessionCreate, session: DbSession, runtime: RuntimeDep) -> schemas.Token:
    token, record = identity_service.sign_in(session, runtime.settings, body.handle, body.password)
    account = identity_service.get(session, record.account_id)
    return schemas.Token(token=token, expires_at=record.expires_at,
                         account=account_view(session, runtime, account))


@router.get("/me", response_model=schemas.Account)
def me(account: CurrentAccount, session: DbSession, runtime: RuntimeDep) -> schemas.Account:
    return account_view(session, runtime, account)


@router.post("/me/identity", response_model=schemas.IdentityView,
             summary="Verify real identity (R10.2)")
def verify_identity(body: schemas.IdentityVerify, account: CurrentAccount, session: DbSession,
                    runtime: RuntimeDep) -> schemas.IdentityView:
    identity = identity_service.verify_identity(
        session, runtime.settings, runtime.verifier, account,
        name=body.name, id_number=body.id_number, mobile=body.mobile,
    )
    return schemas.IdentityView.model_validate(identity)


@router.post("/me/agreement", response_model=schemas.Account,
             summary="Accept the current user agreement (R10.1)")
def accept_agreement(body: schemas.AgreementAccept, account: CurrentAccount, session: DbSession,
                     runtime: RuntimeDep) -> schemas.Account:
    rules_service.accept_agreement(session, account.id, body.version)
    return account_view(session, runtime, account)


@router.get("/me/events", response_model=list[schemas.AccountEvent])
def my_events(account: CurrentAccount, session: DbSession) -> list[schemas.AccountEvent]:
    return [schemas.AccountEvent.model_validate(e) for e in identity_service.events(session, account.id)]


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, summary="Cancel my account (R9.3)")
def cancel(account: CurrentAccount, session: DbSession) -> Response:
    identity_service.cancel(session, account)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


admin_router = APIRouter(prefix="/v1/admin/accounts", tags=["account management"])


@admin_router.get("/{account_id}", response_model=schemas.Account)
def get_account(account_id: int, _: Admin, session: DbSession, runtime: RuntimeDep) -> schemas.Account:
    return account_view(session, runtime, identity_service.get(session, account_id))


@admin_router.get("/{account_id}/events", response_model=list[schemas.AccountEvent])
def account_events(account_id: int, _: Admin, session: DbSession) -> list[schemas.AccountEvent]:
    identity_service.get(session, account_id)
    return [schemas.AccountEvent.model_validate(e) for e in identity_service.events(session, account_id)]


@admin_router.post("/{account_id}/status", response_model=schemas.AccountEvent,
                   summary="Suspend, reactivate or close an account, citing a rule (R9.3, R3.1)")
def change_status(account_id: int, body: schemas.StatusChange, admin: Admin,
                  session: DbSession) -> schemas.AccountEvent:
    rule = rules_service.resolve_rule(session, body.rule_id)
    event = identity_service.change_status(
        session, identity_service.get(session, account_id), actor=admin, status=body.status,
        until=body.until, reason=body.reason, rule=rule,
    )
    return schemas.AccountEvent.model_validate(event)


@admin_router.post("/{account_id}/restrictions", response_model=schemas.AccountEvent,
                   summary="Restrict features (posting, messaging, danmaku...), citing a rule")
def change_restrictions(account_id: int, body: schemas.RestrictionChange, admin: Admin,
                        session: DbSession) -> schemas.AccountEvent:
    rule = rules_service.resolve_rule(session, body.rule_id)
    event = identity_service.change_restrictions(
        session, identity_service.get(session, account_id), actor=admin, features=body.features,
        reason=body.reason, rule=rule,
    )
    return schemas.AccountEvent.model_validate(event)


@admin_router.post("/{account_id}/mute", response_model=schemas.AccountEvent,
                   summary="Mute until a time, or lift a mute, citing a rule")
def mute(account_id: int, body: schemas.MuteChange, admin: Admin, session: DbSession) -> schemas.AccountEvent:
    rule = rules_service.resolve_rule(session, body.rule_id)
    event = identity_service.mute(
        session, identity_service.get(session, account_id), actor=admin, until=body.until,
        reason=body.reason, rule=rule,
    )
    return schemas.AccountEvent.model_validate(event)


@admin_router.post("/{account_id}/role", response_model=schemas.AccountEvent)
def change_role(account_id: int, body: schemas.RoleChange, admin: Admin, session: DbSession) -> schemas.AccountEvent:
    event = identity_service.change_role(
        session, identity_service.get(session, account_id), actor=admin, role=body.role, reason=body.reason
    )
    return schemas.AccountEvent.model_validate(event)


routers = (router, admin_router)
