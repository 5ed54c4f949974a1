"""R10.2: the offline checks a real-identity claim must pass."""

import datetime as dt

import pytest

from qinglang.identity.id_numbers import (
    IdNumberError,
    age_on,
    check_digit,
    mask_id_number,
    normalise_mobile,
    parse_id_number,
)
from tests.identity.builders import id_number


def test_a_valid_number_gives_region_and_birth_date() -> None:
    parsed = parse_id_number(id_number(birth="19850101", region="110105"))
    assert parsed.region_code == "110105"
    assert parsed.birth_date == dt.date(1985, 1, 1)


def test_check_digit_x_is_accepted_in_either_case() -> None:
    # 11010519491231002X is the standard's own worked example.
    assert check_digit("11010519491231002") == "X"
    assert parse_id_number("11010519491231002x").number.endswith("X")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_number_checksum"),
        ("1101051949123100", "id_number_format"),
        ("11010519491231002Y", "id_number_format"),
        ("99010519491231002X", "id_number_region"),
        ("110000" + "19900101001" + "0", "id_number_region"),
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(number: str, code: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(number)
    assert caught.value.code == code


def test_impossible_and_future_birth_dates_are_refused() -> None:
    feb30 = "11010519900230001"
    with pytest.raises(IdNumberError, match="birth date"):
        parse_id_number(feb30 + check_digit(feb30))
    future = "11010520990101001"
    with pytest.raises(IdNumberError, match="birth date"):
        parse_id_number(future + check_digit(future), today=dt.date(2026, 1, 1))


def test_mask_keeps_region_and_last_four_only() -> None:
    assert mask_id_number("110105194912310018") == "110105********0018"


@pytest.mark.parametrize("raw", ["13800138000", "+86 138-0013-8000", "008613800138000"])
def test_mainland_mobiles_in_common_spellings(raw: str) -> None:
    assert normalise_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "23800138000", "phone"])
def test_non_mainland_mobiles_are_refused(raw: str) -> None:
    with pytest.raises(IdNumberError):
        normalise_mobile(raw)


def test_age_counts_birthdays_not_years() -> None:
    assert age_on(dt.date(2008, 12, 1), dt.date(2026, 11, 28)) == 17
    assert age_on(dt.date(2008, 11, 28), dt.date(2026, 11, 28)) == 18
