"""Item-level spam heuristics: flooding and contact/advert patterns (platform.spam, Art. 9-10).

A single item cannot see the others, so "repeated identical danmaku" is judged here from what
one item shows (a character or phrase repeated over and over, a contact handle, a link);
:meth:`qinglang.detection.cascade.Detector.detect_batch` adds the cross-item duplicate count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Runs this long of one character are flooding, not laughter (哈哈哈 is fine, 40 of them is not).
_CHAR_RUN = re.compile(r"(.)\1{11,}", re.DOTALL)
# A phrase of 2-12 characters said four or more times in a row, separators allowed between.
_PHRASE_RUN = re.compile(r"(\S.{1,11}?)(?:[\s,，.。!！~]*\1){3,}", re.DOTALL)
_CONTACT = {
    "qq": re.compile(r"(?:qq|扣扣|企鹅)[号群]?\s*[:：]?\s*[1-9]\d{4,10}(?!\d)", re.I),
    "wechat": re.compile(r"(?:微信|薇信|威信|v信|vx|wx|加v|wechat)[号]?\s*[:：]?\s*[A-Za-z][-_A-Za-z0-9]{5,19}", re.I),
    "url": re.compile(r"https?://\S+|www\.\S+|\b[a-z0-9-]+\.(?:com|cn|net|top|xyz|vip)\b", re.I),
    "telegram": re.compile(r"(?:telegram|tg|飞机)\s*[:：@]\s*@?[A-Za-z][A-Za-z0-9_]{4,}", re.I),
}
_ALNUM = re.compile("[0-9A-Za-z]")
# The phrase regex backtracks a lot; only texts with few distinct characters can be floods.
_FLOOD_DISTINCT_RATIO = 0.5
_ADVERT = re.compile(r"日结|返利|包邮|代理加盟|招代理|低价|优惠|原价|秒杀|私聊|私信我|下单|咨询")

_FLOOD_SCORE = 0.6
_CONTACT_SCORE = 0.35
_URL_SCORE = 0.2
_ADVERT_SCORE = 0.1
_ADVERT_WORDS_COUNTED = 3  # distinct sales words that raise the score; more say nothing new
# Short items (danmaku, replies) are where flooding happens; a long post quoting a slogan is not.
FLOOD_KINDS = frozenset({"danmaku", "reply", "message"})


@dataclass(frozen=True)
class SpamSignal:
    reason: str  # "char_flood", "phrase_flood", "contact:qq", ...
    start: int
    end: int


def spam_signals(text: str) -> list[SpamSignal]:
    out: list[SpamSignal] = []
    m = _CHAR_RUN.search(text)
    if m:
        out.append(SpamSignal("char_flood", m.start(), m.end()))
    if len(set(text)) < len(text) * _FLOOD_DISTINCT_RATIO:
        m = _PHRASE_RUN.search(text)
        if m:
            out.append(SpamSignal("phrase_flood", m.start(), m.end()))
    if _ALNUM.search(text):  # every contact pattern has a number or a latin handle
        for name, pattern in _CONTACT.items():
            m = pattern.search(text)
            if m:
                out.append(SpamSignal(f"contact:{name}", m.start(), m.end()))
    seen_words: set[str] = set()
    for m in _ADVERT.finditer(text):
        if m.group() not in seen_words:
            seen_words.add(m.group())
            out.append(SpamSignal("advert_word", m.start(), m.end()))
            if len(seen_words) == _ADVERT_WORDS_COUNTED:
                break
    return out


def spam_score(signals: list[SpamSignal], kind: str = "post", has_phone: bool = False) -> float:
    keep = 1.0
    reasons = {s.reason for s in signals}
    if reasons & {"char_flood", "phrase_flood"}:
        keep *= 1.0 - (_FLOOD_SCORE if kind in FLOOD_KINDS else _FLOOD_SCORE / 2)
    contacts = sum(1 for r in reasons if r.startswith("contact:") and r != "contact:url")
    if has_phone:
        contacts += 1
    for _ in range(contacts):
        keep *= 1.0 - _CONTACT_SCORE
    if "contact:url" in reasons:
        keep *= 1.0 - _URL_SCORE
    if contacts or "contact:url" in reasons:
        # An offer plus a way to reach the seller; each further sales word makes it surer: a
        # handle with one word (咨询 is common) stays under the flag line, with two it crosses.
        for _ in range(sum(1 for s in signals if s.reason == "advert_word")):
            keep *= 1.0 - _ADVERT_SCORE * 2
    return 1.0 - keep
