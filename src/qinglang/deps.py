"""Request-scoped dependencies: the unit of work, the caller's account and role checks.

The request owns the transaction: ``db_session`` commits when the endpoint returns (before the
response is sent, so a failed commit is an error the client sees) and rolls back on any error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from qinglang.db import transaction
from qinglang.errors import Forbidden, NotAuthenticated
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account, Role
from qinglang.runtime import Runtime

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_bearer = HTTPBearer(auto_error=False, description="A token from POST /v1/sessions.")


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def db_session(request: Request) -> Iterator[Session]:
    runtime = get_runtime(request)
    factory = runtime.read_sessions if request.method in _READ_METHODS else runtime.sessions
    with transaction(factory) as session:
        yield session


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
DbSession = Annotated[Session, Depends(db_session, scope="function")]


async def bearer_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
    # async: FastAPI runs plain functions in a thread pool, a thread hop per dependency.
    if credentials is None:
        raise NotAuthenticated("sign in first: send 'Authorization: Bearer <token>'")
    return credentials.credentials


BearerToken = Annotated[str, Depends(bearer_token)]


def current_account(session: DbSession, token: BearerToken) -> Account:
    return identity_service.authenticate(session, token)


CurrentAccount = Annotated[Account, Depends(current_account)]


def require_roles(*roles: Role) -> Callable[[Account], Account]:
    allowed = frozenset(roles)

    def check(account: CurrentAccount) -> Account:
        if account.role not in allowed:
            raise Forbidden(
                f"this needs one of the roles: {', '.join(sorted(allowed))}", code="role_required"
            )
        return account

    return check


Admin = Annotated[Account, Depends(require_roles(Role.ADMIN))]
Staff = Annotated[Account, Depends(require_roles(Role.ADMIN, Role.REVIEWER))]
AuthorityOfficial = Annotated[Account, Depends(require_roles(Role.AUTHORITY, Role.ADMIN))]
