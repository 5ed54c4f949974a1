"""The Detector: scores, flags and evidence in the TAXONOMY.md format (R7.1, R7.3, R8.2)."""

from __future__ import annotations

from typing import Any

import pytest

from qinglang.detection.cascade import Detector, detect_language
from qinglang.detection.lexicon import Lexicon
from qinglang.detection.signals import CATEGORIES


class FakeSuite:
    """Stands in for qinglang.detection.classifiers.load_suite()."""

    thresholds = {"illegal.insult_slander": {"block": 0.9, "review": 0.6}}
    versions = {"insult": "fake-1"}

    def score(self, text: str, title: str | None, lang: str | None) -> dict[str, float]:
        return {"illegal.insult_slander": 0.95 if "傻" in text else 0.05}


def test_block_term_flags_with_evidence_on_the_original_text(detector: Detector) -> None:
    text = "周末一起去玩，顺便约 * 炮吗？"
    signals = detector.detect(text)
    assert signals.flags == ["illegal.pornography"]
    [span] = signals.evidence
    assert (span.category, span.source, text[span.start : span.end]) == (
        "illegal.pornography", "lexicon", "约 * 炮",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("你这个傻逼，滚出去", "illegal.insult_slander"),  # personal abuse the trained models scored ~0.5
        ("这个人就是个人渣", "illegal.insult_slander"),
        ("我要炸掉学校", "illegal.violence"),
        ("出售仿真枪 包邮", "illegal.violence"),
        ("加入圣战吧", "illegal.terrorism"),
        ("窒息游戏 挑战一下", "bad.minor_harm"),
        ("未成年人喝酒抽烟真酷", "bad.minor_harm"),
    ],
)
def test_curated_lists_flag_what_they_name_without_a_model(detector: Detector, text: str, category: str) -> None:
    assert category in detector.detect(text).flags


@pytest.mark.parametrize("text", ["玉米的杂种优势很明显", "六道轮回中的畜生道", "固体废物处理厂", "枪支管理法"])
def test_ordinary_uses_of_listed_words_do_not_flag(detector: Detector, text: str) -> None:
    assert detector.detect(text).flags == []


def test_scores_hold_every_covered_category(detector: Detector) -> None:
    scores = detector.detect("今天天气不错").scores
    assert set(scores) == set(detector.categories)
    assert {"illegal.privacy", "platform.spam", "bad.minor_harm"} <= set(scores)
    assert list(scores) == [c for c in CATEGORIES if c in scores]


def test_weak_terms_add_a_little_but_never_flag_alone(detector: Detector) -> None:
    signals = detector.detect("台独 港独 藏独 疆独 都是新闻里常见的词")
    assert 0 < signals.scores["illegal.national_security"] < 0.5
    assert signals.flags == []
    assert signals.evidence == []  # weak hits are shown only when the category is flagged


def test_title_evidence_is_marked_as_title(detector: Detector) -> None:
    signals = detector.detect("正文没问题", title="免费看全集 枪版电影")
    assert "illegal.ip_infringement" in signals.flags
    assert {span.field for span in signals.evidence} == {"title"}


def test_doxxing_is_flagged_with_pii_spans(detector: Detector) -> None:
    text = "曝光这个人：手机13812345678，家住北京市朝阳区建国路88号3单元1201室"
    signals = detector.detect(text)
    assert "illegal.privacy" in signals.flags
    details = {span.detail for span in signals.evidence if span.source == "pii"}
    assert details == {"mobile", "address"}


def test_spam_contact_patterns_and_flooding(detector: Detector) -> None:
    assert "platform.spam" in detector.detect("兼职日结，加vx：abc12345，日赚千元").flags
    flood = "上车上车上车上车上车上车"
    assert "platform.spam" in detector.detect(flood, kind="danmaku").flags
    assert "platform.spam" not in detector.detect("哈哈哈，太好笑了", kind="danmaku").flags


def test_a_handle_with_several_sales_words_is_an_advert(detector: Detector) -> None:
    text = "加V：abc123456 日结返利"
    advert = detector.detect(text)
    assert "platform.spam" in advert.flags
    words = {text[span.start:span.end] for span in advert.evidence
             if span.category == "platform.spam" and span.detail == "pattern:advert_word"}
    assert words == {"日结", "返利"}  # both sales words are evidence, not only the first
    # Sales words with no way to reach a seller are not.
    assert "platform.spam" not in detector.detect("今天超市搞优惠，大家赶紧下单").flags


def test_identical_danmaku_repeated_in_a_batch_are_flooding(detector: Detector) -> None:
    items: list[dict[str, Any]] = [{"text": "前方高能", "kind": "danmaku"} for _ in range(4)]
    items.append({"text": "前方高能", "kind": "post"})
    results = detector.detect_batch(items)
    assert all("platform.spam" in s.flags for s in results[:4])
    assert "platform.spam" not in results[4].flags


def test_long_text_is_truncated_and_says_so(detector: Detector) -> None:
    text = "正常内容。" * 5000 + "约炮"
    signals = detector.detect(text)
    assert signals.model_versions["truncated"] == f"text:20000/{len(text)}"
    assert "illegal.pornography" not in signals.flags


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "\x00\x07\x1b[31m", "混合 mixed テキスト 텍스트 نص", "\ud800"])
def test_odd_input_gives_well_formed_signals(detector: Detector, text: str) -> None:
    out = detector.detect(text).to_json("x")
    assert out["id"] == "x" and out["flags"] == [] and all(0 <= v <= 1 for v in out["scores"].values())


def test_without_classifiers_model_versions_say_so(detector: Detector) -> None:
    assert detector.model_versions["classifiers"].startswith("absent")
    assert detector.model_versions["lexicon"].startswith("curated:")


def test_classifier_scores_and_thresholds_are_used() -> None:
    detector = Detector(classifiers=FakeSuite())
    signals = detector.detect("你就是个傻子")
    assert signals.flags == ["illegal.insult_slander"]
    assert signals.model_versions["insult"] == "fake-1"
    assert [(s.source, s.start, s.end) for s in signals.evidence] == [("model", 0, 6)]
    assert detector.detect("你好").scores["illegal.insult_slander"] == pytest.approx(0.05)


def test_extra_lexicons_feed_in(detector: Detector) -> None:
    extra = Lexicon.from_entries([{"term": "某某产品", "category": "platform.spam", "tier": "block"}])
    custom = Detector(extra_lexicons=[extra], classifiers=None)
    assert "platform.spam" in custom.detect("快来买某某产品").flags
    assert custom.model_versions["lexicon"] != detector.model_versions["lexicon"]


@pytest.mark.parametrize(("text", "lang"), [("今天天气很好", "zh"), ("the weather is nice", "en"), ("12345", "und")])
def test_language_guess(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_weak_hits_of_a_flagged_category_are_shown_with_their_original_spans() -> None:
    extra = Lexicon.from_entries(
        [
            {"term": "某某产品", "category": "platform.spam", "tier": "block"},
            {"term": "囤货秒杀", "category": "platform.spam", "tier": "weak"},
            {"term": "团长招募", "category": "platform.spam", "tier": "weak"},
        ]
    )
    custom = Detector(extra_lexicons=[extra], classifiers=None)
    text = "快来买某某产品，囤 货·秒 杀！"
    signals = custom.detect(text, title="团长招募中")
    assert "platform.spam" in signals.flags
    lexicon = [(s.detail, s.field, (text if s.field == "text" else "团长招募中")[s.start : s.end])
               for s in signals.evidence if s.source == "lexicon"]  # fmt: skip
    assert lexicon == [
        ("某某产品", "text", "某某产品"),
        ("weak: 囤货秒杀", "text", "囤 货·秒 杀"),
        ("weak: 团长招募", "title", "团长招募"),
    ]
    # the same weak terms alone neither flag nor show
    quiet = custom.detect("囤 货·秒 杀", title="团长招募中")
    assert quiet.flags == [] and quiet.evidence == []
    assert quiet.scores["platform.spam"] > 0


class BatchingSuite(FakeSuite):
    """Scores batches too; a batch holding "坏" fails as a whole."""

    def score_many(self, texts, titles, langs) -> list[dict[str, float]]:  # noqa: ANN001
        if any("坏" in text for text in texts):
            raise ValueError("a bad item")
        return [{"illegal.insult_slander": 0.9 if "傻" in text else 0.1} for text in texts]


ITEMS = [("你真傻", None, "reply"), ("今天天气不错", "标题", "post"), ("", None, "danmaku"), ("傻坏", None, "post")]


def test_a_batch_is_detected_as_its_items_are_one_by_one() -> None:
    detector = Detector(classifiers=FakeSuite())
    texts, titles, kinds = zip(*ITEMS, strict=True)
    one_by_one = [detector.detect(text, title, None, kind) for text, title, kind in ITEMS]
    assert detector.detect_many(texts, titles, kinds) == one_by_one
    assert detector.detect_batch([{"text": text, "title": title, "kind": kind} for text, title, kind in ITEMS]) == \
        one_by_one


def test_batch_scores_are_used_and_a_failing_batch_falls_back_to_each_item() -> None:
    detector = Detector(classifiers=BatchingSuite())
    first, second = detector.detect_many(["你真傻", "今天天气不错"], [None, None], ["post", "post"])
    assert first.scores["illegal.insult_slander"] == 0.9, "the batch scores, not the one-by-one 0.95"
    assert second.scores["illegal.insult_slander"] == 0.1
    failed = detector.detect_many(["你真傻", "傻坏"], [None, None], ["post", "post"])
    assert [s.scores["illegal.insult_slander"] for s in failed] == [0.95, 0.95]
