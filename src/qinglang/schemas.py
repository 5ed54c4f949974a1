"""Request/response base classes and the text checks every domain's schemas share.

Refusals raised here carry their own error type (``empty_text``, ``control_characters``) so the
API answers with that code rather than a generic validation error.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

# C0 and C1 controls except tab and newline; also the bidi overrides that hide what text says.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class RequestModel(BaseModel):
    """Inputs refuse unknown fields: a typo must not silently drop a value."""

    model_config = ConfigDict(extra="forbid", str_max_length=100_000)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def check_text(value: str) -> str:
    value = value.replace("\r\n", "\n")
    if _FORBIDDEN_CONTROLS.search(value):
        raise PydanticCustomError("control_characters", "text contains control characters")
    if not value.strip() or all(unicodedata.category(ch) in {"Cf", "Zs"} for ch in value.strip()):
        raise PydanticCustomError("empty_text", "text is empty or whitespace only")
    return value


Text = Annotated[str, AfterValidator(check_text)]
