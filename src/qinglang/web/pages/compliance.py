"""The compliance report page: every requirement, its live figure and its tests."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from qinglang.deps import DbSession, RuntimeDep
from qinglang.web import compliance
from qinglang.web.auth import AuthorityPage
from qinglang.web.rendering import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])


@router.get("/compliance", name="web.compliance")
def report(request: Request, _: AuthorityPage, session: DbSession, runtime: RuntimeDep) -> Response:
    return render(request, "compliance/page.html", report=compliance.build(session, runtime.settings))
