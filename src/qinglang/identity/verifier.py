"""Real-identity verification (R10.2) behind a small interface.

The offline verifier checks what can be checked without a provider: the identity number's
format, region, birth date and check digit, the mobile's format and a non-empty name. A real
provider (a carrier three-element check, a public-security photo check) implements the same
``verify`` and is named in ``QINGLANG_IDENTITY_VERIFIER=package.module:attribute``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from typing import Protocol

from qinglang.identity.id_numbers import IdNumberError, normalise_mobile, parse_id_number

_NAME = re.compile(r"^[\u3400-\u9fff\u00b7·A-Za-z][\u3400-\u9fff\u00b7· A-Za-z]{0,49}$")


@dataclass(frozen=True)
class IdentityClaim:
    name: str
    id_number: str
    mobile: str


@dataclass(frozen=True)
class VerifiedIdentity:
    id_number: str
    mobile: str
    name: str
    region_code: str
    birth_date: dt.date
    verifier: str


class VerificationFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class IdentityVerifier(Protocol):
    name: str

    def verify(self, claim: IdentityClaim) -> VerifiedIdentity:
        """Return the verified, normalised identity or raise VerificationFailed."""
        ...


class OfflineVerifier:
    name = "offline-gb11643"

    def verify(self, claim: IdentityClaim) -> VerifiedIdentity:
        name = claim.name.strip()
        if not _NAME.match(name):
            raise VerificationFailed("name_format", "name must be 1-50 letters or Chinese characters")
        try:
            parsed = parse_id_number(claim.id_number)
            mobile = normalise_mobile(claim.mobile)
        except IdNumberError as error:
            raise VerificationFailed(error.code, str(error)) from None
        return VerifiedIdentity(
            id_number=parsed.number,
            mobile=mobile,
            name=name,
            region_code=parsed.region_code,
            birth_date=parsed.birth_date,
            verifier=self.name,
        )


def load_verifier(spec: str) -> IdentityVerifier:
    if spec == "offline":
        return OfflineVerifier()
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValueError(f"identity verifier {spec!r} must be 'offline' or 'module:attribute'")
    target = getattr(importlib.import_module(module_name), attribute)
    return target() if isinstance(target, type) else target
