"""``qinglang rumors eval``: recall and precision of claim matching at both thresholds (R9.7).

Variants are built from the bank's own claims: character edits (10%), clause reordering,
padding with unrelated sentences, the evasions the detection normaliser undoes (spacing,
full-width, traditional characters) and paraphrase-like rewrites (synonyms, particles).
Negatives are held-out claims that are not in the bank (same topics, so hard) plus everyday
posts. A variant counts as found when its own claim is the best match at the threshold; any
other claim reported is a false positive.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import opencc

_CONVERT = opencc.OpenCC("s2t")
_FILLER = ("转发扩散！", "大家注意了，", "刚看到群里说", "不知道真的假的，", "家人们谁懂啊，", "速看，马上删！",
           "朋友圈都在传", "以下消息请知悉：")
_EVERYDAY = ("今天去公园散步，樱花开了，很多人在拍照。", "社区图书馆周六上午有亲子阅读活动，欢迎参加。",
             "新开的面馆味道不错，价格也实惠。", "周末一起去爬山吧，天气预报说是晴天。",
             "孩子这次考试进步很大，老师表扬了他。", "地铁二号线今天人特别多，大家错峰出行。")
_SYNONYMS = {"新冠": "新冠病毒", "感染": "染上", "医院": "医疗机构", "专家": "权威人士", "政府": "官方",
             "可以": "能够", "已经": "已", "全部": "所有", "检测": "检查", "发现": "查出", "出现": "发生",
             "要求": "规定", "网传": "网上流传", "病毒": "病菌", "学生": "学生们", "隔离": "进行隔离"}
_SPLIT = re.compile(r"([，,。；;！!？?、])")
KINDS = ("edit10", "reorder", "padding", "evasion", "paraphrase")


def edit(text: str, rng: random.Random, share: float = 0.1) -> str:
    chars = list(text)
    for _ in range(max(1, round(len(chars) * share))):
        position = rng.randrange(len(chars))
        operation = rng.choice(("replace", "delete", "insert"))
        noise = chr(rng.randrange(0x4E00, 0x9FA5))
        if operation == "replace":
            chars[position] = noise
        elif operation == "delete" and len(chars) > 1:
            del chars[position]
        else:
            chars.insert(position, noise)
    return "".join(chars)


def reorder(text: str, rng: random.Random) -> str:
    parts = [p for p in _SPLIT.split(text) if p and not _SPLIT.fullmatch(p)]
    if len(parts) < 2:
        middle = len(text) // 2
        return text[middle:] + "，" + text[:middle]
    rng.shuffle(parts)
    return "，".join(parts)


def pad(text: str, rng: random.Random) -> str:
    return f"{rng.choice(_FILLER)}{text}。{rng.choice(_EVERYDAY)}"


def evade(text: str, rng: random.Random) -> str:
    converted = _CONVERT.convert(text)
    spaced = " ".join(converted) if rng.random() < 0.5 else "*".join(converted)
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or "a" <= c <= "z" else c for c in spaced)


def paraphrase(text: str, rng: random.Random) -> str:
    for word, other in _SYNONYMS.items():
        if word in text and rng.random() < 0.8:
            text = text.replace(word, other, 1)
    return f"听说{text}了吗" if rng.random() < 0.5 else f"{text}，是真的"


MAKERS: dict[str, Callable[[str, random.Random], str]] = {
    "edit10": edit, "reorder": reorder, "padding": pad, "evasion": evade, "paraphrase": paraphrase,
}


@dataclass
class Tally:
    positives: int = 0
    found: dict[str, int] = field(default_factory=lambda: {"high": 0, "suggest": 0})
    reported: dict[str, int] = field(default_factory=lambda: {"high": 0, "suggest": 0})
    correct: dict[str, int] = field(default_factory=lambda: {"high": 0, "suggest": 0})

    def recall(self, band: str) -> float:
        return self.found[band] / self.positives if self.positives else 0.0

    def precision(self, band: str) -> float:
        return self.correct[band] / self.reported[band] if self.reported[band] else 1.0


def score(tally: Tally, expected: int | None, matches: list[tuple[int, float]], high: float, suggest: float) -> None:
    """One query's matches (claim, similarity) against the claim it should find (None: none)."""
    if expected is not None:
        tally.positives += 1
    for band, threshold in (("high", high), ("suggest", suggest)):
        above = [claim for claim, similarity in matches if similarity >= threshold]
        tally.reported[band] += len(above)
        tally.correct[band] += sum(1 for claim in above if claim == expected)
        if expected is not None and expected in above:
            tally.found[band] += 1
