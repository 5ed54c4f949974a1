"""Personal information in text, with spans for redaction (R7.3: privacy, doxxing).

Finds PRC identity numbers (GB 11643 check digit and a real birth date), mainland mobiles, bank
cards (Luhn), e-mail addresses, licence plates and street addresses. One of them alone is often
harmless (a shop's phone number); several kinds together about one person is doxxing, which the
score reflects. Spans index the original text, so :func:`redact` can mask exactly what was found.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

PII_KINDS = ("id_number", "mobile", "bank_card", "email", "plate", "address")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Province-level codes (GB/T 2260), plus 71/81/82/83 used by Taiwan, Hong Kong and Macao permits.
_PROVINCE_CODES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83"
)
_PROVINCES = frozenset(_PROVINCE_CODES.split())

# Full-width digits and letters fold to ASCII one to one, so offsets survive: "１３８…" is the
# cheapest way round a phone-number filter.
_WIDE_CLASS = "\uff10-\uff19\uff20-\uff3a\uff41-\uff5a"
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if re.match(f"[{_WIDE_CLASS}]", chr(cp))}
_WIDE = re.compile(f"[{_WIDE_CLASS}]")
# Digits spelled as Chinese numerals (一三九…, 幺 for one as read out in phone numbers, the formal
# 壹贰叁…), folded one to one as well, but only where seven or more stand in a row: shorter runs
# are ordinary words (一二三, 三四个), and no number worth finding is that short.
_CN_DIGITS = str.maketrans({**dict.fromkeys("〇零", "0"), **dict.fromkeys("一幺壹", "1"),
                            **dict.fromkeys("二贰", "2"), **dict.fromkeys("三叁", "3"), "四": "4", "肆": "4",
                            "五": "5", "伍": "5", "六": "6", "陆": "6", "七": "7", "柒": "7", "八": "8",
                            "捌": "8", "九": "9", "玖": "9"})  # fmt: skip
_CN_DIGIT_RUN = re.compile("[〇零一幺壹二贰三叁四肆五伍六陆七柒八捌九玖]{7,}")
_DIGIT = re.compile(r"\d")

# Also as written in the number's own groups (region, birth date, sequence and check): 110105
# 19491231 002X, with spaces or dashes.
_ID = re.compile(r"(?<![0-9A-Za-z])\d{6}([- ]?)\d{8}\1\d{3}[0-9Xx](?![0-9A-Za-z])")
_ID_SEPARATORS = re.compile("[- ]")
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_CARD = re.compile(r"(?<!\d)(?:\d{4}[- ]){3}\d{4}(?:[- ]?\d{1,3})?(?!\d)|(?<!\d)\d{16,19}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# The same spelled out to dodge address scrapers and filters: alice (at) example (dot) com, with
# round, square or curly brackets. A bare " at " is left alone: it is ordinary English.
_AT = r"\s*[(\[{（]\s*at\s*[)\]}）]\s*"
_DOT = r"(?:\s*[(\[{（]\s*dot\s*[)\]}）]\s*|\.)"
_SPELLED_EMAIL = re.compile(f"[A-Za-z0-9._%+-]+{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}[A-Za-z]{{2,}}", re.I)
_SPELLED_AT = re.compile(_AT, re.I)
_PLATE = re.compile(
    "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z][·• ]?(?=[A-HJ-NP-Z0-9]{0,5}\d)"  # at least one digit after the city letter
    r"[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警](?![A-Za-z0-9])"
)
_NUM = "0-9一二三四五六七八九十百零〇"
_HAN = "\u4e00-\u9fff"
_ADDRESS = re.compile(
    f"(?:[{_HAN}]{{2,7}}?(?:省|自治区))?(?:[{_HAN}]{{2,7}}?市)?(?:[{_HAN}]{{1,7}}?(?:区|县))?"
    f"(?:[{_HAN}0-9]{{1,12}}?(?:路|街|大道|大街|巷|弄|胡同)[{_NUM}]+号(?:院)?"
    f"|[{_HAN}]{{2,10}}?(?:小区|花园|公寓|大厦|新村|家园))"
    f"(?:[{_NUM}A-Za-z]+(?:栋|幢|号楼|座))?(?:[{_NUM}]+单元)?(?:[0-9]{{2,5}}(?:室|房|号房)?)?"
)
_ADDRESS_HINT = re.compile(f"(?:路|街|道|巷|弄|胡同)[{_NUM}]+号|小区|花园|公寓|大厦|新村|家园")
# Words that introduce an address; the address regex is greedy to the left, so cut after them.
_ADDRESS_LEAD = re.compile("^.*(?:住在|家住|地址|住址|位于|就在|在)[:：]?")
_DOXX_CONTEXT = re.compile("人肉|开盒|曝光|挂人|身份证号|家庭住址|手机号是|他家住|她家住|dox", re.I)

# How much one kind of PII weighs alone. An identity number or a bank card is sensitive by itself;
# a phone, an e-mail or an address alone is usually someone's own contact detail.
_WEIGHT = {"id_number": 0.75, "bank_card": 0.6, "mobile": 0.35, "address": 0.35, "plate": 0.3,
           "email": 0.2}  # fmt: skip
_DOXX_BONUS = 0.15
_CONTEXT_BONUS = 0.1


@dataclass(frozen=True)
class PiiMatch:
    kind: str
    start: int
    end: int
    value: str


def id_number_valid(number: str, today: dt.date | None = None) -> bool:
    """GB 11643-1999: region prefix, a real past birth date and the ISO 7064 check character."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in _PROVINCES:
        return False
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_pii(text: str) -> list[PiiMatch]:
    """All PII in ``text``, spans in ``text``'s own indices, sorted by start."""
    if _WIDE.search(text):
        text = text.translate(_WIDTH)
    text = _CN_DIGIT_RUN.sub(_as_digits, text)
    found: list[PiiMatch] = []
    if _DIGIT.search(text):
        _find_numbers(text, found)
        for m in _PLATE.finditer(text):
            found.append(PiiMatch("plate", m.start(), m.end(), m.group()))
    if "@" in text:
        for m in _EMAIL.finditer(text):
            found.append(PiiMatch("email", m.start(), m.end(), m.group()))
    if _SPELLED_AT.search(text):
        for m in _SPELLED_EMAIL.finditer(text):
            found.append(PiiMatch("email", m.start(), m.end(), m.group()))
    if _ADDRESS_HINT.search(text):
        for m in _ADDRESS.finditer(text):
            lead = _ADDRESS_LEAD.match(m.group())
            start = m.start() + (lead.end() if lead else 0)
            if m.end() - start >= 5:
                found.append(PiiMatch("address", start, m.end(), text[start : m.end()]))
    found.sort(key=lambda p: (p.start, -p.end))
    return found


def _as_digits(run: re.Match[str]) -> str:
    return run.group().translate(_CN_DIGITS)


def _find_numbers(text: str, found: list[PiiMatch]) -> None:
    taken: list[tuple[int, int]] = []
    for m in _ID.finditer(text):
        if id_number_valid(_ID_SEPARATORS.sub("", m.group())):
            found.append(PiiMatch("id_number", m.start(), m.end(), m.group()))
            taken.append(m.span())
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 16 <= len(digits) <= 19 and luhn_valid(digits) and not _overlaps(m.span(), taken):
            found.append(PiiMatch("bank_card", m.start(), m.end(), m.group()))
            taken.append(m.span())
    for m in _MOBILE.finditer(text):
        if not _overlaps(m.span(), taken):
            found.append(PiiMatch("mobile", m.start(), m.end(), m.group()))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def privacy_score(matches: list[PiiMatch], text: str = "") -> float:
    """Probability-like score for ``illegal.privacy``; several kinds together score as doxxing."""
    if not matches:
        return 0.0
    kinds: dict[str, int] = {}
    for match in matches:
        kinds[match.kind] = kinds.get(match.kind, 0) + 1
    keep = 1.0
    for kind, count in kinds.items():
        keep *= 1.0 - min(0.95, _WEIGHT[kind] + 0.05 * (count - 1))
    score = 1.0 - keep
    if len(kinds) >= 2:
        score += _DOXX_BONUS
    if text and _DOXX_CONTEXT.search(text):
        score += _CONTEXT_BONUS
    return min(score, 0.99)


def redact(text: str, spans: Iterable[object], mask: str = "*") -> str:
    """Mask every span (anything with ``start``/``end``, or ``(start, end)`` pairs) in ``text``."""
    chars = list(text)
    for span in spans:
        if isinstance(span, tuple):
            start, end = span[0], span[1]
        else:
            start, end = span.start, span.end  # type: ignore[attr-defined]
        for i in range(max(0, start), min(len(chars), end)):
            if not chars[i].isspace():
                chars[i] = mask
    return "".join(chars)
