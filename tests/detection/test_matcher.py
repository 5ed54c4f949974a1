"""PatternMatcher gives what ahocorasick-rs's str API gives on the same patterns and text, while
matching Chinese as UTF-16 bytes and ASCII in an automaton of its own (R7.1, R7.3, R8.2)."""

from __future__ import annotations

import random

import ahocorasick_rs

from qinglang.detection.matcher import PatternMatcher

# Characters whose UTF-16 bytes overlap in useful ways: 中 is 2D 4E, 文 is 87 65, and ⴡ 蝎 乥
# (21 2D | 4E 87 | 65 4E) hold 中文's bytes one byte off the character boundaries.
ALPHABET = "中文蝎乥ⴡ天气公园法轮功abcXYZ 12，。😀𠀀"


def reference(patterns: list[str], text: str) -> list[tuple[int, int, int]]:
    automaton = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
    return automaton.find_matches_as_indexes(text)


def found(matcher: PatternMatcher, text: str) -> list[tuple[int, int, int]]:
    hits, shift = matcher.find(text)
    return [(pattern_id, start >> shift, end >> shift) for pattern_id, start, end in hits]


def test_random_texts_match_as_the_str_api_does() -> None:
    rng = random.Random(3)
    patterns = sorted({"".join(rng.choice(ALPHABET) for _ in range(rng.randint(2, 4))) for _ in range(300)})
    patterns += ["中文", "蝎乥", "天气", "abc", "c1"]
    matcher = PatternMatcher(patterns)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts += ["ⴡ蝎乥", "ⴡ蝎乥ⴡ蝎乥中文", "😀ⴡ蝎乥𠀀天气", "abc c1 xabc"]
    for text in texts:
        assert found(matcher, text) == reference(patterns, text), text


def test_chinese_offsets_come_as_utf16_bytes_and_ascii_as_characters() -> None:
    matcher = PatternMatcher(["天气", "weather"])
    assert matcher.find("今天天气") == ([(0, 4, 8)], 1)
    assert matcher.find("nice weather") == ([(1, 5, 12)], 0)  # the id of the pattern, not of the ASCII automaton
    assert matcher.find("") == ([], 0)


def test_a_straddling_match_gives_way_to_the_real_one_inside_it() -> None:
    matcher = PatternMatcher(["中文", "蝎乥"])
    raw16 = ahocorasick_rs.BytesAhoCorasick(["中文".encode("utf-16-le")])
    assert raw16.find_matches_as_indexes("ⴡ蝎乥".encode("utf-16-le")) == [(0, 1, 5)]  # the trap is real
    assert found(matcher, "ⴡ蝎乥") == [(1, 1, 3)]


def test_characters_beyond_the_bmp_count_as_one() -> None:
    matcher = PatternMatcher(["天气"])
    assert matcher.find("😀😀天气") == ([(0, 2, 4)], 0)
