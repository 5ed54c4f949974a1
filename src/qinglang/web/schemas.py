"""Forms are validated with the API's own request models, so a page accepts exactly what the API
accepts; this module turns their errors into messages shown next to each field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from qinglang.errors import QinglangError

Model = TypeVar("Model", bound=BaseModel)

_REQUIRED = {"missing", "empty_text", "string_too_short"}
_TOO_LONG = {"string_too_long", "too_long"}


class FormInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def parse(model: type[Model], values: dict[str, object], t: Callable[[str], str]) -> Model:
    """Validate form values; empty optional fields count as not given, as a browser cannot omit them."""
    cleaned = {k: v for k, v in values.items() if not (v == "" and k in _optional(model))}
    try:
        return model.model_validate(cleaned)
    except ValidationError as error:
        messages: dict[str, str] = {}
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "_form"
            if problem["type"] in _REQUIRED:
                text = t("form.required")
            elif problem["type"] in _TOO_LONG:
                text = t("form.too_long")
            else:
                text = str(problem["msg"])
            messages.setdefault(field, text)
        raise FormInvalid(messages) from None


def _optional(model: type[BaseModel]) -> set[str]:
    return {name for name, info in model.model_fields.items() if not info.is_required()}


def refusal(t: Callable[[str], str], error: QinglangError) -> str:
    """A refused action in the user's words when the UI has them; the API's message otherwise."""
    key = f"error.{error.code}"
    text = t(key)
    return text if text != key else f"{error.message} ({error.code})"
