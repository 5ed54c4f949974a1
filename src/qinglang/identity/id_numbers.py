"""Offline checks of PRC resident identity numbers (GB 11643-1999) and mainland mobiles."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Province-level codes in use (GB/T 2260), plus 81/82/83 for Hong Kong, Macao and Taiwan
# residence permits, which use the same number format.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
OLDEST_PLAUSIBLE_AGE = 130


class IdNumberError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ParsedIdNumber:
    number: str
    region_code: str
    birth_date: dt.date


def check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, today: dt.date | None = None) -> ParsedIdNumber:
    number = raw.strip().upper()
    if not _ID_SHAPE.match(number):
        raise IdNumberError("id_number_format", "identity number must be 17 digits and a check digit")
    region = number[:6]
    if region[:2] not in PROVINCE_CODES or region[2:] == "0000":
        raise IdNumberError("id_number_region", "identity number has no plausible region code")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError("id_number_birth_date", "identity number has an impossible birth date") from None
    today = today or dt.date.today()
    if birth > today or today.year - birth.year > OLDEST_PLAUSIBLE_AGE:
        raise IdNumberError("id_number_birth_date", "identity number has an impossible birth date")
    if check_digit(number[:17]) != number[17]:
        raise IdNumberError("id_number_checksum", "identity number check digit does not match")
    return ParsedIdNumber(number=number, region_code=region, birth_date=birth)


def normalise_mobile(raw: str) -> str:
    """Return the 11-digit mainland mobile number, or raise IdNumberError."""
    digits = re.sub(r"[\s-]", "", raw.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.match(digits):
        raise IdNumberError("mobile_format", "mobile number must be a mainland number like 13800138000")
    return digits


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def mask_id_number(number: str) -> str:
    return f"{number[:6]}{'*' * 8}{number[14:]}"


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[7:]}"


def mask_name(name: str) -> str:
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1)
