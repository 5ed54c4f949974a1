"""Registration, real-identity verification, sign-in and account management.

Services flush, never commit: the request, task or CLI command that called them owns the
transaction.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from qinglang.db import utcnow
from qinglang.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound, QinglangError
from qinglang.evidence import service as evidence_service
from qinglang.identity import crypto
from qinglang.identity.id_numbers import IdNumberError, age_on, mask_id_number, mask_mobile, mask_name
from qinglang.identity.id_numbers import normalise_mobile as parse_mobile
from qinglang.identity.models import (
    Account,
    AccountEvent,
    AccountStatus,
    ApiToken,
    Feature,
    RealIdentity,
    Role,
)
from qinglang.identity.verifier import IdentityClaim, IdentityVerifier, VerificationFailed
from qinglang.rules.service import CitedRule
from qinglang.settings import Settings

_LIVE_STATUSES = (AccountStatus.ACTIVE, AccountStatus.SUSPENDED)


def handle_key(handle: str) -> str:
    return unicodedata.normalize("NFKC", handle).casefold()


def get(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"account {account_id} does not exist", code="account_not_found")
    return account


def by_handle(session: Session, handle: str) -> Account:
    account = session.scalar(select(Account).where(Account.handle_key == handle_key(handle)))
    if account is None:
        raise NotFound(f"no account has the handle {handle!r}", code="account_not_found")
    return account


def register(
    session: Session,
    settings: Settings,
    *,
    handle: str,
    password: str,
    mobile: str,
    role: Role = Role.USER,
) -> Account:
    try:
        mobile = parse_mobile(mobile)
    except IdNumberError as error:
        raise InvalidInput(str(error), code=error.code) from None
    key = handle_key(handle)
    if session.scalar(select(Account.id).where(Account.handle_key == key)) is not None:
        raise Conflict(f"the handle {handle!r} is taken", code="handle_taken")
    account = Account(
        handle=handle,
        handle_key=key,
        password_hash=crypto.hash_password(password, n=settings.password_hash_cost),
        mobile_hmac=crypto.keyed_hash(settings.secret_key, "mobile", mobile),
        mobile_masked=mask_mobile(mobile),
        role=role,
        restrictions=[],
    )
    session.add(account)
    session.flush()
    _record(session, account, None, "registered", {"role": str(role)})
    return account


def sign_in(session: Session, settings: Settings, handle: str, password: str) -> tuple[str, ApiToken]:
    account = session.scalar(select(Account).where(Account.handle_key == handle_key(handle)))
    if account is None or not crypto.verify_password(password, account.password_hash):
        raise NotAuthenticated("handle or password is wrong", code="invalid_credentials")
    if account.status in (AccountStatus.CANCELLED, AccountStatus.CLOSED):
        raise Forbidden(f"this account is {account.status}", code=f"account_{account.status}")
    token = crypto.new_token()
    record = ApiToken(
        account_id=account.id,
        token_digest=crypto.token_digest(token),
        expires_at=utcnow() + dt.timedelta(hours=settings.token_ttl_hours),
    )
    session.add(record)
    session.flush()
    return token, record


def authenticate(session: Session, token: str) -> Account:
    outcome = authenticate_many(session, [token])[token]
    if isinstance(outcome, QinglangError):
        raise outcome
    return outcome


# Built once: every batch of submissions runs it, and building it costs more than running it.
_LIVE_TOKENS = (
    select(ApiToken.token_digest, Account)
    .join(ApiToken, ApiToken.account_id == Account.id)
    .where(ApiToken.token_digest.in_(bindparam("digests", expanding=True)), ApiToken.revoked_at.is_(None),
           ApiToken.expires_at > bindparam("now"))
)


def authenticate_many(session: Session, tokens: Sequence[str]) -> dict[str, Account | QinglangError]:
    """Each bearer token's account, or the error that refuses it; one query for all of them
    (the submission intake authenticates a whole batch of requests at once)."""
    by_digest = {crypto.token_digest(token): token for token in tokens}
    rows = session.execute(_LIVE_TOKENS, {"digests": list(by_digest), "now": utcnow()})
    found = {digest: account for digest, account in rows}
    outcomes: dict[str, Account | QinglangError] = {}
    for digest, token in by_digest.items():
        account = found.get(digest)
        if account is None:
            outcomes[token] = NotAuthenticated("the bearer token is missing, expired or revoked",
                                               code="invalid_token")
        elif account.status in (AccountStatus.CANCELLED, AccountStatus.CLOSED):
            outcomes[token] = Forbidden(f"this account is {account.status}", code=f"account_{account.status}")
        else:
            outcomes[token] = account
    return outcomes


def verify_identity(
    session: Session,
    settings: Settings,
    verifier: IdentityVerifier,
    account: Account,
    *,
    name: str,
    id_number: str,
    mobile: str,
) -> RealIdentity:
    if account.identity_id is not None:
        raise Conflict("this account's identity is already verified", code="already_verified")
    try:
        verified = verifier.verify(IdentityClaim(name=name, id_number=id_number, mobile=mobile))
    except VerificationFailed as error:
        raise InvalidInput(error.message, code=error.code) from None
    if crypto.keyed_hash(settings.secret_key, "mobile", verified.mobile) != account.mobile_hmac:
        raise InvalidInput(
            "the mobile number must be the one this account registered with", code="mobile_mismatch"
        )
    digest = crypto.keyed_hash(settings.secret_key, "id_number", verified.id_number)
    identity = session.scalar(select(RealIdentity).where(RealIdentity.id_number_hmac == digest))
    if identity is not None and identity.banned_at is not None:
        raise Forbidden(
            "accounts of this identity were closed by the platform; it may not register again",
            code="identity_banned",
        )
    if identity is None:
        identity = RealIdentity(
            id_number_hmac=digest,
            id_number_masked=mask_id_number(verified.id_number),
            name_masked=mask_name(verified.name),
            region_code=verified.region_code,
            birth_date=verified.birth_date,
            verifier=verified.verifier,
        )
        session.add(identity)
        session.flush()
    else:
        linked = session.scalar(
            select(func.count(Account.id)).where(
                Account.identity_id == identity.id, Account.status.in_(_LIVE_STATUSES)
            )
        )
        if linked >= settings.max_accounts_per_identity:
            raise Conflict(
                f"an identity may hold at most {settings.max_accounts_per_identity} accounts",
                code="identity_account_limit",
            )
    account.identity_id = identity.id
    account.identity = identity
    account.verified_at = utcnow()
    _record(session, account, account.id, "identity_verified", {"verifier": verified.verifier})
    session.flush()
    return identity


def age(account: Account, today: dt.date | None = None) -> int | None:
    if account.identity is None:
        return None
    return age_on(account.identity.birth_date, today or dt.date.today())


def is_minor(account: Account, settings: Settings, today: dt.date | None = None) -> bool | None:
    years = age(account, today)
    return None if years is None else years < settings.minor_age


def ensure_can_use(account: Account, feature: Feature, now: dt.datetime | None = None) -> None:
    """Refuse a publishing or messaging service the account may not use right now."""
    now = now or utcnow()
    if account.identity_id is None:
        raise Forbidden(
            "verify your real identity before you publish or send messages (R10.2)",
            code="identity_required",
        )
    if account.status == AccountStatus.SUSPENDED and (
        account.status_until is None or account.status_until > now
    ):
        raise Forbidden("this account is suspended", code="account_suspended",
                        detail={"until": _iso(account.status_until)})
    if account.status in (AccountStatus.CANCELLED, AccountStatus.CLOSED):
        raise Forbidden(f"this account is {account.status}", code=f"account_{account.status}")
    if account.muted_until is not None and account.muted_until > now:
        raise Forbidden("this account is muted", code="account_muted",
                        detail={"until": _iso(account.muted_until)})
    if feature in account.restrictions:
        raise Forbidden(f"this account may not use {feature}", code="feature_restricted",
                        detail={"feature": str(feature)})


def change_status(
    session: Session,
    account: Account,
    *,
    actor: Account,
    status: AccountStatus,
    until: dt.datetime | None,
    reason: str,
    rule: CitedRule,
) -> AccountEvent:
    if status == AccountStatus.CANCELLED:
        raise InvalidInput("only the user can cancel their account", code="invalid_status")
    if account.status == AccountStatus.CLOSED:
        raise Conflict("a closed account cannot change status", code="account_closed")
    if until is not None and status != AccountStatus.SUSPENDED:
        raise InvalidInput("'until' only applies to suspensions", code="invalid_status")
    if until is not None and until <= utcnow():
        raise InvalidInput("'until' must be in the future", code="invalid_until")
    previous = account.status
    account.status = status
    account.status_until = until
    if status == AccountStatus.CLOSED:
        _revoke_tokens(session, account)
        if account.identity is not None:
            account.identity.banned_at = utcnow()
            account.identity.banned_reason = f"{rule.rule_id} v{rule.version}: {reason}"
    return _record(
        session, account, actor.id, "status_changed",
        {"from": str(previous), "to": str(status), "until": _iso(until)}, reason, rule,
    )


def change_restrictions(
    session: Session, account: Account, *, actor: Account, features: list[Feature], reason: str, rule: CitedRule
) -> AccountEvent:
    previous = list(account.restrictions)
    account.restrictions = sorted({str(feature) for feature in features})
    return _record(
        session, account, actor.id, "restrictions_changed",
        {"from": previous, "to": account.restrictions}, reason, rule,
    )


def mute(
    session: Session, account: Account, *, actor: Account, until: dt.datetime | None, reason: str, rule: CitedRule
) -> AccountEvent:
    if until is not None and until <= utcnow():
        raise InvalidInput("'until' must be in the future", code="invalid_until")
    account.muted_until = until
    return _record(session, account, actor.id, "muted" if until else "unmuted", {"until": _iso(until)}, reason, rule)


def change_role(session: Session, account: Account, *, actor: Account, role: Role, reason: str) -> AccountEvent:
    if account.id == actor.id:
        raise Forbidden("staff cannot change their own role", code="own_role")
    previous = account.role
    account.role = role
    return _record(session, account, actor.id, "role_changed", {"from": str(previous), "to": str(role)}, reason)


def cancel(session: Session, account: Account, reason: str | None = None) -> AccountEvent:
    account.status = AccountStatus.CANCELLED
    _revoke_tokens(session, account)
    return _record(session, account, account.id, "cancelled", {}, reason)


def events(session: Session, account_id: int) -> list[AccountEvent]:
    return list(
        session.scalars(
            select(AccountEvent).where(AccountEvent.account_id == account_id).order_by(AccountEvent.id)
        )
    )


def _revoke_tokens(session: Session, account: Account) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _record(
    session: Session,
    account: Account,
    actor_id: int | None,
    kind: str,
    details: dict,
    reason: str | None = None,
    rule: CitedRule | None = None,
) -> AccountEvent:
    event = AccountEvent(
        account_id=account.id,
        actor_id=actor_id,
        kind=kind,
        details=details,
        reason=reason,
        rule_id=rule.rule_id if rule else None,
        rule_version=rule.version if rule else None,
    )
    session.add(event)
    session.flush()
    # Only masked identity data ever reaches the evidence log.
    evidence_service.record(
        session, tag=f"account:{kind}", subject_type="account", subject_id=account.id, actor_id=actor_id,
        payload={"event_id": event.id, "details": details, "reason": reason, "rule_id": event.rule_id,
                 "rule_version": event.rule_version, "handle": account.handle},
    )
    return event


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
