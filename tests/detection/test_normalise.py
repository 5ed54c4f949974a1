"""Normalisation against evasion keeps a way back to the original text (R7.1, R7.3, R8.2)."""

from __future__ import annotations

import pytest

from qinglang.detection.normalise import normalise


def original_of(text: str, needle: str) -> str:
    """The original characters behind ``needle`` in the normalised view."""
    norm = normalise(text)
    start = norm.text.index(needle)
    a, b = norm.span_to_original(start, start + len(needle))
    return text[a:b]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("法*轮功", "法轮功"),
        ("法 轮 功", "法轮功"),
        ("法。轮。功", "法轮功"),
        ("法\u200b轮\u200d功", "法轮功"),  # zero-width space and joiner
        ("法\u00ad轮\ufe0f功", "法轮功"),  # soft hyphen, variation selector
        ("法🌸轮功", "法轮功"),
        ("法ˇ轮ˊ功", "法轮功"),  # tone marks, which Unicode files as modifier letters
        ("發展法輪功", "发展法轮功"),
        ("ＦＵＣＫ", "fuck"),
        ("f.u.c.k", "fuck"),
        ("f u c k", "fuck"),
        ("𝐟𝐮𝐜𝐤", "fuck"),
        ("fück", "fuck"),
        ("fuuuuck", "fuck"),
        ("рorn", "porn"),  # Cyrillic р
        ("p0rn", "porn"),
        ("Falun  Gong", "falun gong"),  # what is left between latin words becomes one space
        ("falun.-gong", "falun gong"),
        ("①②③", "123"),
        ("哈哈哈哈哈", "哈"),
    ],
)
def test_evasive_spellings_fold_to_one_form(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_ordinary_english_keeps_its_word_gaps() -> None:
    assert normalise("a cat and a dog").text == "a cat and a dog"


def test_doubled_chinese_characters_are_ordinary_words() -> None:
    assert normalise("妈妈天天说").text == "妈妈天天说"


def test_spans_map_back_to_the_original_characters() -> None:
    text = "他说：法 * 轮\u200b功！"
    assert original_of(text, "法轮功") == "法 * 轮\u200b功"
    text = "ok ＦＵＵＵＣＫ you"
    assert original_of(text, "fuck") == "ＦＵＵＵＣＫ"


def test_collapsed_run_at_the_end_of_a_match_covers_the_whole_run() -> None:
    assert original_of("xx fuuuu yy", "fu") == "fuuuu"


def test_expanding_characters_keep_offsets_right() -> None:
    text = "第⑩号法轮功"
    assert normalise(text).text == "第10号法轮功"
    assert original_of(text, "法轮功") == "法轮功"
    assert original_of(text, "10") == "⑩"


@pytest.mark.parametrize("text", ["", " ", "\x00\x01\x02", "🙂🙂🙂", "\ud800abc", "a\u0301" * 50])
def test_odd_input_does_not_crash(text: str) -> None:
    norm = normalise(text)
    if norm.text:
        a, b = norm.span_to_original(0, len(norm.text))
        assert 0 <= a < b <= len(text)
