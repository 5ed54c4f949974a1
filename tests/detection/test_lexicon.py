"""Lexicon tiers, allow-list, variants and loading (R7.1, R7.3, R8.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qinglang.detection.lexicon import Lexicon, LexiconEntry

NS = "illegal.national_security"


@pytest.fixture(scope="module")
def small() -> Lexicon:
    return Lexicon.from_entries(
        [
            {"term": "法轮功", "category": NS, "tier": "block", "variants": "pinyin|initials"},
            {"term": "支那", "category": "illegal.ethnic_hatred", "tier": "block"},
            {"term": "印度支那", "category": "*", "tier": "allow"},
            {"term": "法轮功学员", "category": NS, "tier": "weak"},
            {"term": "child porn", "category": "illegal.pornography", "tier": "block"},
            LexiconEntry("约炮", "illegal.pornography", "block", ("homophone",)),
        ]
    )


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    return [(hit.entry.term, text[hit.start : hit.end]) for hit in lexicon.match_text(text)]


def test_spaced_pinyin_mixed_with_a_character_is_caught_with_the_original_span(
    small: Lexicon,
) -> None:
    text = "大家看 f.a.l.u.n 功 的东西"
    assert found(small, text) == [("法轮功", "f.a.l.u.n 功")]


@pytest.mark.parametrize(
    "spelling",
    ["falungong", "Fa Lun Gong", "Falun Gong", "Falun  Gong", "falun-gong", "f@lun g0ng", "FLG", "法lun gong",
     "法*轮*功", "法ˇ轮ˇ功"],
)
def test_pinyin_initials_and_separators(small: Lexicon, spelling: str) -> None:
    text = f"转发：{spelling}。"
    assert found(small, text) == [("法轮功", spelling)]


def test_homophone_variant_only_where_the_entry_asks(small: Lexicon) -> None:
    assert found(small, "今晚约泡吗") == [("约炮", "约泡")]
    assert found(small, "发轮功") == []  # 法轮功 did not ask for homophones


def test_allow_list_phrase_suppresses_the_term_inside_it(small: Lexicon) -> None:
    assert found(small, "印度支那半岛的历史") == []
    assert found(small, "支那人") == [("支那", "支那")]


def test_block_term_inside_a_longer_weak_term_is_still_reported(small: Lexicon) -> None:
    tiers = {hit.entry.tier for hit in small.match_text("几名法轮功学员")}
    assert tiers == {"block", "weak"}


def test_latin_terms_respect_word_boundaries() -> None:
    lexicon = Lexicon.from_entries([{"term": "porn", "category": "illegal.pornography"}])
    assert lexicon.match_text("pornhub") == []
    assert [h.entry.term for h in lexicon.match_text("free porn here")] == ["porn"]


def test_multiword_english_term_spelled_letter_by_letter(small: Lexicon) -> None:
    text = "c h i l d   p o r n"
    assert found(small, text) == [("child porn", text)]


def test_version_changes_with_the_entry_set_not_with_order() -> None:
    a = [{"term": "甲乙", "category": NS, "tier": "block"}, {"term": "丙丁", "category": NS}]
    assert Lexicon.from_entries(a).version == Lexicon.from_entries(a[::-1]).version
    assert Lexicon.from_entries(a).version != Lexicon.from_entries(a[:1]).version


def test_loads_txt_and_csv_files(tmp_path: Path) -> None:
    txt = tmp_path / "ads.txt"
    txt.write_text("# comment\n加微信\n\n刷单返利\n", encoding="utf-8")
    csv = tmp_path / "terms.csv"
    csv.write_text(
        "term,category,tier,variants\n# note\n窒息挑战,bad.minor_harm,block,pinyin\n",
        encoding="utf-8",
    )
    from_txt = Lexicon.from_txt(txt, category="platform.spam", tier="block")
    assert sorted(e.term for e in from_txt) == ["刷单返利", "加微信"]
    from_csv = Lexicon.from_csv(csv)
    assert [h.entry.term for h in from_csv.match_text("来玩 zhi xi tiao zhan")] == ["窒息挑战"]


def test_bad_entries_are_refused() -> None:
    with pytest.raises(ValueError):
        LexiconEntry("", NS)
    with pytest.raises(ValueError):
        LexiconEntry("x", NS, tier="maybe")
    with pytest.raises(ValueError):
        LexiconEntry.from_mapping({"term": "x", "category": NS, "variants": "soundex"})


def test_curated_lists_cover_the_unlabelled_categories(curated: Lexicon) -> None:
    assert {
        "illegal.national_security", "illegal.terrorism", "illegal.ethnic_hatred",
        "illegal.violence", "illegal.pornography", "illegal.ip_infringement",
        "bad.minor_harm", "platform.spam",
    } <= curated.categories  # fmt: skip
    assert any(e.tier == "block" for e in curated) and any(e.tier == "weak" for e in curated)


def test_merged_lexicon_matches_both_sets(curated: Lexicon, small: Lexicon) -> None:
    merged = curated.merged(small)
    assert len(merged) == len({e.key() for e in (*curated, *small)})
    assert {h.entry.term for h in merged.match_text("加微信看child porn")} == {
        "加微信",
        "child porn",
    }


def test_pinyin_variants_group_syllables_into_words_as_writers_do() -> None:
    from qinglang.detection.variants import pinyin

    assert pinyin("法轮功")[:2] == ["falungong", "fa lun gong"]
    assert {"falun gong", "fa lungong"} <= set(pinyin("法轮功"))
    assert len(pinyin("天安门广场")) == 16  # every grouping of five syllables
    assert len(pinyin("一二三四五六七")) == 2  # past six syllables: joined and spaced only
