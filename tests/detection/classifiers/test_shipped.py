"""The shipped classifier artifacts: load without training data, score sensibly and quickly."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import numpy as np
import orjson
import pytest

from qinglang.detection.classifiers import Suite, load_suite
from qinglang.detection.classifiers import datasets as datasets_module
from qinglang.detection.classifiers.datasets import CLASSIFIER_CATEGORIES
from qinglang.detection.classifiers.suite import ARRAYS_FILE, META_FILE, WEIGHTS_DIR
from qinglang.detection.signals import CATEGORIES


@pytest.fixture(scope="module")
def suite() -> Suite:
    return load_suite()


def test_loads_and_scores_without_training_data(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("inference must not touch ../shared/data")

    monkeypatch.setattr(datasets_module, "find_data_dir", refuse)
    monkeypatch.setattr(datasets_module, "_rows", refuse)
    fresh = load_suite()
    scores = fresh.score("今天天气不错", None, None)
    assert set(scores) == set(CLASSIFIER_CATEGORIES)


def test_categories_belong_to_the_taxonomy(suite: Suite) -> None:
    assert set(CLASSIFIER_CATEGORIES) <= set(CATEGORIES)
    assert set(suite.thresholds) == set(CLASSIFIER_CATEGORIES)


@pytest.mark.parametrize(
    ("text", "title", "lang"),
    [
        ("今天天气不错，我们去公园散步。", None, "zh"),
        ("The council approved the library budget.", None, "en"),
        ("", None, None),
        ("   ", "", None),
        ("正文内容很长。" * 2000, "标题", None),
        ("mixed 中英文 text 🙂 https://t.co/abc @someone", "Title!!!", None),
        ("日本語のテキストです", None, "ja"),
    ],
)
def test_scores_are_probabilities(suite: Suite, text: str, title: str | None, lang: str | None) -> None:
    scores = suite.score(text, title, lang)
    assert set(scores) == set(CLASSIFIER_CATEGORIES)
    for value in scores.values():
        assert isinstance(value, float)
        assert 0.0 <= value <= 1.0


def test_abuse_scores_above_neutral_zh(suite: Suite) -> None:
    abusive = suite.score("你这个傻逼，脑残东西，滚出去，恶心死了", None, "zh")
    neutral = suite.score("今天下午我们在图书馆讨论了下周的课程安排。", None, "zh")
    assert abusive["illegal.insult_slander"] > neutral["illegal.insult_slander"] + 0.3


def test_abuse_scores_above_neutral_en(suite: Suite) -> None:
    abusive = suite.score("Shut up you stupid bitch, you worthless piece of trash", None, "en")
    neutral = suite.score("The library will open an hour later on Sunday.", None, "en")
    assert abusive["illegal.insult_slander"] > neutral["illegal.insult_slander"] + 0.3


def test_language_is_detected_when_not_declared(suite: Suite) -> None:
    text = "你这个傻逼，脑残东西，滚出去"
    assert suite.score(text, None, None) == suite.score(text, None, "zh")


BODY = (
    "11月11日，中国奥委会授予黑龙江省七台河市“奥运冠军之城”称号，颁授仪式在七台河市举行。"
    "据介绍，七台河市多年来培养了多位冬奥会和世界冠军，获得世界级比赛金牌177枚。"
)


def test_consistent_title_scores_lower_clickbait_than_exaggerated_one(suite: Suite) -> None:
    consistent = suite.score(BODY, "七台河市获授“奥运冠军之城”称号", "zh")
    teaser = suite.score(BODY, "震惊！这座小城竟然藏着惊人秘密，看完你就知道了！", "zh")
    assert teaser["bad.clickbait"] > consistent["bad.clickbait"] + 0.2


def test_clickbait_english_headline(suite: Suite) -> None:
    bait = suite.score("", "You Won't Believe What This Dog Did Next", "en")
    news = suite.score("", "Central bank holds interest rates steady amid inflation data", "en")
    assert bait["bad.clickbait"] > news["bad.clickbait"] + 0.3
    # Casing was removed from training: shouting the same headline changes nothing.
    assert suite.score("", "YOU WON'T BELIEVE WHAT THIS DOG DID NEXT", "en") == bait


def test_no_title_means_no_clickbait(suite: Suite) -> None:
    assert suite.score("震惊！竟然是这样！", None, "zh")["bad.clickbait"] == 0.0


def test_thresholds_are_ordered_operating_points(suite: Suite) -> None:
    for category, points in suite.thresholds.items():
        assert set(points) == {"block", "review"}
        assert 0.0 < points["review"] <= points["block"] <= 1.01, category
    # False-information scores only route to human review.
    assert suite.thresholds["illegal.false_information"]["block"] == 1.01


def test_versions_name_every_head(suite: Suite) -> None:
    assert set(suite.versions) == {f"{c}.{lang}" for c in CLASSIFIER_CATEGORIES for lang in ("zh", "en")}
    assert all(v.startswith("2026-11-29+") for v in suite.versions.values())


def test_artifacts_are_plain_arrays_and_json() -> None:
    path = WEIGHTS_DIR / ARRAYS_FILE
    with np.load(path, allow_pickle=False) as npz:
        for key in npz.files:
            assert npz[key].dtype != object, key
    with zipfile.ZipFile(path) as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())
    meta = orjson.loads((WEIGHTS_DIR / META_FILE).read_bytes())
    assert meta["created"] == "2026-11-29"
    total = sum(p.stat().st_size for p in WEIGHTS_DIR.iterdir() if p.is_file())
    assert total < 8 * 1024 * 1024


def test_artifacts_live_inside_the_package() -> None:
    package = Path(__import__("qinglang").__file__).resolve().parent
    assert WEIGHTS_DIR.is_relative_to(package)


def test_scoring_is_fast(suite: Suite) -> None:
    post = (
        "【突发】某市今日发布通知，明天起地铁部分线路调整运营时间，请市民合理安排出行。"
        "网友纷纷表示支持，也有人质疑通知发布太晚。"
    ) * 2
    suite.score(post, None, None)
    rounds = 300
    started = time.perf_counter()
    for i in range(rounds):
        suite.score(post + str(i), None, None)
    per_item = (time.perf_counter() - started) / rounds
    # Budget is ~300 us on an idle core; a loose bound keeps shared CI machines green.
    assert per_item < 0.002


def test_stale_artifacts_are_refused_with_a_hint(tmp_path: Path) -> None:
    meta = orjson.loads((WEIGHTS_DIR / META_FILE).read_bytes())
    del meta["vocab_models"]
    (tmp_path / META_FILE).write_bytes(orjson.dumps(meta))
    (tmp_path / ARRAYS_FILE).write_bytes((WEIGHTS_DIR / ARRAYS_FILE).read_bytes())
    with pytest.raises(ValueError, match="qinglang train"):
        load_suite(tmp_path)


BATCH = [
    ("今天天气不错，我们去公园散步。", None, None),
    ("你这个傻逼，脑残东西，滚出去，恶心死了", None, "zh"),
    ("The council approved the library budget.", None, None),
    ("Shut up you stupid bitch, you worthless piece of trash", "Breaking!!!", None),
    ("震惊！喝这种水能治百病，转发救人", "医生都不敢说的秘密", None),
    ("", "只有标题", None),
    ("mixed 中英文 text 🙂 https://t.co/abc @someone", None, None),
    ("正文内容很长。" * 400, "标题", None),
]


def test_a_batch_scores_exactly_as_its_items_do_one_by_one(suite: Suite) -> None:
    texts, titles, langs = zip(*BATCH, strict=True)
    together = suite.score_many(texts, titles, langs)
    for (text, title, lang), batch_scores in zip(BATCH, together, strict=True):
        alone = suite.score(text, title, lang)
        assert set(batch_scores) == set(alone)
        assert all(abs(batch_scores[c] - alone[c]) < 1e-5 for c in alone), (text[:20], batch_scores, alone)


def test_a_short_plain_chinese_title_is_not_clickbait_but_a_short_teaser_can_be(suite: Suite) -> None:
    """Titles like "周末" are shorter than any the model was fitted on; alone they prove nothing."""
    body = "社区图书馆周六下午有讲座，欢迎大家参加。"
    assert suite.score(body, "周末", None)["bad.clickbait"] == 0.0
    assert suite.score(body, "周末活动", None)["bad.clickbait"] == 0.0
    assert suite.score(body, "震惊！", None)["bad.clickbait"] > suite.thresholds["bad.clickbait"]["review"]
    texts, titles = [body, body], ["周末", "震惊！"]
    assert [s["bad.clickbait"] for s in suite.score_many(texts, titles, [None, None])] == [
        suite.score(body, title, None)["bad.clickbait"] for title in titles]
