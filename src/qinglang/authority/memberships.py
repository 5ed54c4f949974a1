"""Who acts for which department: authority accounts see and handle only their departments'
reports (R4.1); platform admins manage the memberships and read everything."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.authority.models import AuthorityMembership
from qinglang.authority.routing import Routing
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.identity.models import Account, Role


def departments_of(session: Session, account: Account) -> list[str] | None:
    """The departments whose reports the account sees; None: all of them (platform admins)."""
    if account.role == Role.ADMIN:
        return None
    return list(
        session.scalars(
            select(AuthorityMembership.department_id)
            .where(AuthorityMembership.account_id == account.id)
            .order_by(AuthorityMembership.department_id)
        )
    )


def add_member(
    session: Session,
    *,
    department_id: str,
    account_id: int,
    actor: Account,
    routing: Routing,
) -> AuthorityMembership:
    _department(routing, department_id)
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"account {account_id} does not exist", code="account_not_found")
    if account.role != Role.AUTHORITY:
        raise InvalidInput(
            "only accounts with the authority role can act for a department",
            code="not_authority_account",
        )
    if session.scalar(
        select(AuthorityMembership).where(
            AuthorityMembership.account_id == account_id,
            AuthorityMembership.department_id == department_id,
        )
    ):
        raise Conflict(f"account {account_id} already acts for {department_id}", code="already_member")
    membership = AuthorityMembership(account_id=account_id, department_id=department_id, added_by=actor.id)
    session.add(membership)
    session.flush()
    return membership


def members(session: Session, department_id: str, routing: Routing) -> list[AuthorityMembership]:
    _department(routing, department_id)
    return list(
        session.scalars(
            select(AuthorityMembership)
            .where(AuthorityMembership.department_id == department_id)
            .order_by(AuthorityMembership.id)
        )
    )


def remove_member(session: Session, *, department_id: str, account_id: int) -> None:
    membership = session.scalar(
        select(AuthorityMembership).where(
            AuthorityMembership.account_id == account_id,
            AuthorityMembership.department_id == department_id,
        )
    )
    if membership is None:
        raise NotFound(f"account {account_id} does not act for {department_id}", code="not_member")
    session.delete(membership)
    session.flush()


def _department(routing: Routing, department_id: str) -> None:
    if routing.department(department_id) is None:
        raise NotFound(f"no department {department_id!r}", code="unknown_department")
