"""PII detection and redaction; several kinds together score as doxxing (R7.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from qinglang.detection.privacy import (
    find_pii,
    id_number_valid,
    luhn_valid,
    privacy_score,
    redact,
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


VALID_ID = make_id("11010519491231002")  # ends in X: the check character can be a letter


def kinds(text: str) -> list[tuple[str, str]]:
    return [(m.kind, text[m.start : m.end]) for m in find_pii(text)]


def test_identity_number_needs_check_digit_and_real_birth_date() -> None:
    assert VALID_ID.endswith("X") and id_number_valid(VALID_ID)
    wrong_check = VALID_ID[:-1] + "1"
    assert not id_number_valid(wrong_check)
    assert not id_number_valid(make_id("11010519490231002"))  # 31 February
    assert not id_number_valid(make_id("99010519491231002"))  # no such province
    future = make_id("110105" + f"{dt.date.today().year + 1}" + "0101002")
    assert not id_number_valid(future)


def test_identity_number_found_in_text_only_when_valid() -> None:
    assert kinds(f"身份证{VALID_ID}。") == [("id_number", VALID_ID)]
    assert kinds(f"身份证{VALID_ID[:-1]}1。") == []


@pytest.mark.parametrize("joiner", [" ", "-"])
def test_identity_number_written_in_its_groups_is_found(joiner: str) -> None:
    grouped = joiner.join((VALID_ID[:6], VALID_ID[6:14], VALID_ID[14:]))
    assert kinds(f"身份证 {grouped}，") == [("id_number", grouped)]
    mixed = f"{VALID_ID[:6]} {VALID_ID[6:14]}-{VALID_ID[14:]}"
    assert kinds(f"身份证 {mixed}") == []  # one separator throughout, as people write it


@pytest.mark.parametrize("phone", ["13812345678", "138-1234-5678", "138 1234 5678", "+8613812345678"])
def test_mobile_numbers(phone: str) -> None:
    assert kinds(f"电话{phone}。") == [("mobile", phone)]


def test_mobile_not_taken_from_a_longer_digit_run() -> None:
    assert kinds("订单号 2013812345678999") == []
    assert kinds("编号123456789012") == []


def test_full_width_digits_do_not_hide_a_phone() -> None:
    text = "手机１３８１２３４５６７８"
    assert kinds(text) == [("mobile", "１３８１２３４５６７８")]


def test_bank_card_needs_luhn() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert kinds("卡号 4111 1111 1111 1111") == [("bank_card", "4111 1111 1111 1111")]
    assert kinds("卡号 4111111111111112") == []


def test_email_plate_and_address() -> None:
    text = "邮箱 zhang.san@example.com，车牌京A·12345，住在北京市朝阳区建国路88号3单元1201室。"
    assert kinds(text) == [
        ("email", "zhang.san@example.com"),
        ("plate", "京A·12345"),
        ("address", "北京市朝阳区建国路88号3单元1201室"),
    ]


def test_one_contact_detail_is_not_a_privacy_flag_but_doxxing_is() -> None:
    shop = "门店电话 13812345678"
    assert privacy_score(find_pii(shop), shop) < 0.5
    dox = f"人肉出来了：身份证{VALID_ID}，手机13812345678，家住上海市浦东新区世纪大道100号"
    assert privacy_score(find_pii(dox), dox) > 0.9
    two = "她的手机13812345678，住在杭州市西湖区文三路90号"
    assert privacy_score(find_pii(two), two) >= 0.5


def test_redact_masks_exactly_the_spans() -> None:
    text = f"电话13812345678，身份证{VALID_ID}。"
    out = redact(text, find_pii(text))
    assert out == "电话" + "*" * 11 + "，身份证" + "*" * 18 + "。"
    assert redact("abc", [(1, 2)]) == "a*c"


def test_plain_text_has_no_pii() -> None:
    assert find_pii("今天2024年12月31日，价格199元，第3名，共88人参加。") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("邮箱 alice (at) example (dot) com", ("email", "alice (at) example (dot) com")),
        ("mail: Bob[AT]mail.qq.com", ("email", "Bob[AT]mail.qq.com")),
        ("手机一三九一二三四五六七八", ("mobile", "一三九一二三四五六七八")),
        ("电话幺三八零零零零幺二三四", ("mobile", "幺三八零零零零幺二三四")),
    ],
)
def test_contact_details_spelled_out_are_found(text: str, found: tuple[str, str]) -> None:
    assert kinds(text) == [found]


@pytest.mark.parametrize("text", ["look at this dot com bubble", "一二三四五六七八九十", "我们三四个人去"])
def test_ordinary_words_that_look_like_spelled_contacts_are_not(text: str) -> None:
    assert kinds(text) == []

