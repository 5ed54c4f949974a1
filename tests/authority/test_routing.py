"""R4.1: the competent departments by category and district, as validated data."""

import pytest

from qinglang.authority.routing import RoutingError, load_routing, parse_routing, phone_numbers

ROUTING = load_routing()


def _route(
    category: str,
    severity: str = "high",
    region: str | None = "310115",
    platform: str = "",
    phone: bool = False,
) -> list[str]:
    return [
        a.department.id
        for a in ROUTING.route(
            category=category,
            severity=severity,
            author_region_code=region,
            platform_region_code=platform,
            has_phone_number=phone,
        )
    ]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("illegal.terrorism", ["police-310115", "cyberspace-310115"]),
        ("illegal.national_security", ["police-310115", "cyberspace-310115"]),
        ("illegal.violence", ["police-310115", "cyberspace-310115"]),
        ("illegal.pornography", ["cyberspace-310115", "police-310115"]),
        ("illegal.privacy", ["police-310115"]),
        ("illegal.false_information", ["cyberspace-310115"]),
        ("bad.clickbait", []),
    ],
)
def test_each_category_goes_to_its_competent_departments(
    category: str, expected: list[str]
) -> None:
    """R4.1: Article 4's departments by category, in the author's district."""
    assert _route(category) == expected


def test_false_information_that_disturbs_public_order_also_goes_to_public_security() -> None:
    """R4.1: a severe verdict on false information brings in the police."""
    assert _route("illegal.false_information", severity="severe") == [
        "cyberspace-310115",
        "police-310115",
    ]


def test_spam_with_a_phone_number_goes_to_telecom_management() -> None:
    """R4.1: spam and fraud that carry phone numbers are for the telecom regulator."""
    assert _route("platform.spam") == []
    assert _route("platform.spam", phone=True) == ["telecom-municipal"]
    assert "telecom-municipal" in _route("illegal.false_information", phone=True)


def test_a_district_without_its_own_office_falls_back_to_the_municipal_one() -> None:
    """R4.1: Xuhui has a network information office but no police branch in the file."""
    assert _route("illegal.pornography", region="310104") == [
        "cyberspace-310104",
        "police-municipal",
    ]
    assignments = ROUTING.route(
        category="illegal.privacy",
        severity="high",
        author_region_code="310104",
        platform_region_code="",
        has_phone_number=False,
    )
    assert assignments[0].district == "310104" and assignments[0].routed_by == "municipal"


def test_authors_from_outside_the_city_go_to_the_platforms_district() -> None:
    """R4.1: no identity, or one from another city: the platform's own district, else municipal."""
    assert _route("illegal.false_information", region="110105", platform="310101") == [
        "cyberspace-310101"
    ]
    assert _route("illegal.false_information", region=None, platform="310101") == [
        "cyberspace-310101"
    ]
    assert _route("illegal.false_information", region=None) == ["cyberspace-municipal"]
    assert _route("illegal.false_information", region="310100") == ["cyberspace-municipal"]


def test_phone_numbers_are_found_in_any_common_form() -> None:
    text = "加微信或致电１３８１２３４５６７８，座机021-12345678，热线400-123-4567，"
    text += "订单号2024010112345678"
    assert phone_numbers(text) == ["02112345678", "13812345678", "4001234567"]
    assert phone_numbers("本次共有13000人参加") == []


BROKEN = """
version: 1
city: {code: "3101", name: 上海市}
departments:
  - {id: cyberspace-municipal, kind: network_information, name: A}
  - {id: cyberspace-municipal, kind: network_information, name: B}
  - {id: police-320102, kind: public_security, name: C, district: "320102"}
rules:
  - {id: r1, categories: [illegal.gossip], departments: [network_information]}
  - {id: r2, categories: [illegal.privacy], departments: [public_security]}
"""


def test_a_broken_routing_file_is_refused_with_every_problem_named() -> None:
    with pytest.raises(RoutingError) as error:
        parse_routing(BROKEN, "test.yaml")
    message = str(error.value)
    assert "test.yaml: rules.0.categories" in message and "illegal.gossip" in message
    fixed = BROKEN.replace("illegal.gossip", "illegal.violence")
    with pytest.raises(RoutingError) as error:
        parse_routing(fixed, "test.yaml")
    message = str(error.value)
    assert "departments[1] (cyberspace-municipal): duplicate id" in message
    assert "a second municipal network_information office" in message
    assert "district 320102 is not a district of 3101" in message
    assert "rules[1] (r2): no municipal public_security office to fall back on" in message


def test_a_webhook_must_be_an_http_url() -> None:
    text = BROKEN.replace("illegal.gossip", "illegal.violence").replace(
        "name: B}", "name: B, webhook: 'ftp://x'}"
    )
    with pytest.raises(RoutingError, match="webhook must be an http"):
        parse_routing(text)
