"""Recall of the lexicon over evasive spellings, and no false alarms on everyday text
(R7.1, R7.3, R8.2)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from qinglang.detection.cascade import Detector
from qinglang.detection.lexicon import Lexicon
from qinglang.detection.obfuscation import GENERATORS, NEEDS_VARIANT, evasions

SAFE_TEXTS = [
    "今天天气很好，我们一家人去公园散步，孩子玩得很开心。",
    "这家餐厅的红烧肉味道不错，价格也实惠，推荐大家去尝尝。",
    "明天上午九点开会，请大家提前准备好季度报告。",
    "周末打算带父母去博物馆看看历史文物展。",
    "新买的手机拍照效果很好，电池也耐用。",
    "老师说这次期末考试的重点在第三章和第五章。",
    "地铁二号线今天早上有点挤，下次早点出门。",
    "印度支那半岛的历史很复杂，值得读几本书。",
    "我们坚决反对台独，维护国家统一。",
    "新闻报道了昨天的交通事故，所幸无人受伤。",
    "这部电影的特效很棒，剧情也很感人，推荐观看正版。",
    "妈妈做的饺子最好吃了，过年一定要回家。",
    "医生建议多喝水、多休息，感冒很快就会好。",
    "公司新产品发布会定在下个月，欢迎各位媒体朋友。",
    "小区里新开了一家超市，买菜方便多了。",
    "春节假期高速免费通行，出行注意安全。",
    "学校组织学生参观科技馆，大家都很感兴趣。",
    "他的跑步成绩又进步了，下周参加城市马拉松。",
    "The weather is lovely today, we walked the dog in the park.",
    "Please send me the quarterly report before Friday's meeting.",
    "I love this class, the teacher explains assessments clearly.",
    "The new phone has a great camera and the battery lasts all day.",
    "We watched a documentary about the history of Indochina.",
    "Skill, practice and patience make a good pianist.",
    "哈哈哈哈哈哈 笑死我了 666",
    "2024年12月31日 晚上8点 跨年晚会见！",
]


@pytest.fixture(scope="module")
def block_entries(curated: Lexicon) -> list:
    return [e for e in curated if e.tier == "block"]


def test_recall_over_generated_evasions_is_at_least_0_9(curated: Lexicon, block_entries: list) -> None:
    total = caught = 0
    misses: list[str] = []
    for entry in block_entries:
        for technique, variant in evasions(entry.term):
            needed = NEEDS_VARIANT.get(technique)
            if needed and needed not in entry.variants:
                continue
            text = f"路人甲说：{variant}，你懂的"
            start = text.index(variant)
            hits = [
                h for h in curated.match_text(text)
                if h.entry.category == entry.category and h.entry.tier == "block"
            ]  # fmt: skip
            total += 1
            # The span must lie on the variant as written (allowing trailing separators dropped).
            if any(start <= h.start and h.end <= start + len(variant) for h in hits):
                caught += 1
            else:
                misses.append(f"{technique}: {variant!r}")
    assert total > 500, "generator should produce a real test set"
    assert caught / total >= 0.9, misses[:20]


def test_every_technique_is_exercised(curated: Lexicon) -> None:
    seen = {t for e in curated for t, _ in evasions(e.term)}
    assert seen == set(GENERATORS)


def test_safe_everyday_texts_raise_no_block_tier_flag(detector: Detector) -> None:
    for text in SAFE_TEXTS:
        signals = detector.detect(text)
        block = [s for s in signals.evidence if s.source == "lexicon" and s.detail
                 and not s.detail.startswith(("weak:", "pattern:"))]  # fmt: skip
        assert block == [], (text, block)
        assert signals.flags == [], (text, signals.flags)


@pytest.mark.data
def test_block_tier_rarely_fires_on_labelled_safe_posts(detector: Detector, shared_data: Path) -> None:
    """On COLD's safe test posts (real Weibo text) block-tier lexicon hits stay under 1%."""
    path = shared_data / "cold" / "data.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    safe: list[str] = []
    with path.open("rb") as handle:
        for line in handle:
            row = orjson.loads(line)
            if row.get("split") == "test" and str(row.get("label")) in {"0", "safe"}:
                safe.append(row["text"])
    if len(safe) < 100:
        pytest.skip("COLD test split not in the expected shape")
    fired = sum(
        1 for text in safe
        if any(h.entry.tier == "block" for h in detector.lexicon.match_text(text))
    )  # fmt: skip
    assert fired / len(safe) < 0.01, f"{fired} of {len(safe)} safe posts hit the block tier"
