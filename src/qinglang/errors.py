"""Domain errors carry their HTTP status and a stable machine-readable ``code``.

One handler in ``qinglang.app`` renders them as ``{"code", "message", "detail"}``; an expected
refusal is never a 500.
"""

from __future__ import annotations

from typing import Any


class QinglangError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return body


class InvalidInput(QinglangError):
    status_code = 422
    code = "invalid_input"


class NotAuthenticated(QinglangError):
    status_code = 401
    code = "not_authenticated"


class Forbidden(QinglangError):
    status_code = 403
    code = "forbidden"


class NotFound(QinglangError):
    status_code = 404
    code = "not_found"


class Conflict(QinglangError):
    status_code = 409
    code = "conflict"


class TooLarge(QinglangError):
    status_code = 413
    code = "body_too_large"
