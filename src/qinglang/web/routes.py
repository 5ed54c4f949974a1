"""The web console: server-rendered pages over the same services as the JSON API.

Pages are left out of the OpenAPI document (they are not an API); ``tests/web`` checks that
every one of them that is not public sends anonymous visitors to sign in, as ``tests/test_roles``
does for the API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from qinglang.errors import NotFound
from qinglang.web.pages import authority, complaints, compliance, credit, debunks, feed, me, public, review, staff

STATIC = Path(__file__).parent / "static"
_STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}

static_router = APIRouter(include_in_schema=False, tags=["web", "public"])


@static_router.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    # Only the few files that ship in the package's static folder, by exact name.
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in _STATIC_TYPES or not path.is_file():
        raise NotFound(f"no static file {name}")
    return FileResponse(path, media_type=_STATIC_TYPES[path.suffix], headers={"Cache-Control": "max-age=300"})


routers = (
    public.router,
    me.router,
    complaints.router,
    credit.router,
    debunks.public,
    debunks.staff,
    feed.public,
    feed.router,
    review.router,
    staff.router,
    authority.router,
    compliance.router,
    static_router,
)
