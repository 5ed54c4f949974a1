"""Lexicon matching with hits kept as compact matches gives the hits the documented rules give:
allow phrases, latin word boundaries, block terms inside longer terms, every entry of a shared
spelling, spans in the original text (R7.1, R7.3, R8.2)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import ahocorasick_rs
import pytest

from qinglang.detection import lexicon as lexicon_module
from qinglang.detection.bench import synth_posts, synth_terms
from qinglang.detection.lexicon import Lexicon, LexiconEntry
from qinglang.detection.normalise import normalise, normalise_text
from qinglang.detection.obfuscation import evasions

NS = "illegal.national_security"
PORN = "illegal.pornography"

Found = tuple[str, str, tuple[int, int]]  # (entry key, variant, span in the original text)


def _word_char(ch: str) -> bool:
    return "a" <= ch <= "z" or "0" <= ch <= "9"


class ReferenceMatcher:
    """The matching rules written out plainly, with one automaton in entry order."""

    def __init__(self, entries: list[LexiconEntry]) -> None:
        owners: dict[str, list[tuple[LexiconEntry, str]]] = {}
        for entry in entries:
            for kind, spelling in lexicon_module._spellings(entry):
                pattern = normalise_text(spelling)
                if lexicon_module._long_enough(pattern, entry.tier):
                    owners.setdefault(pattern, []).append((entry, kind))
        self.owners = owners
        self.texts = list(owners)
        self.automaton = ahocorasick_rs.AhoCorasick(self.texts, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
        self.blocks = [t for t in self.texts if any(e.tier == "block" for e, _ in owners[t])]
        self.block_finder = ahocorasick_rs.AhoCorasick(self.blocks) if self.blocks else None

    def hits(self, text: str) -> Iterator[Found]:
        norm = normalise(text)
        view = norm.text
        for pattern_id, start, end in self.automaton.find_matches_as_indexes(view) if view else ():
            pattern = self.texts[pattern_id]
            found = self.owners[pattern]
            if any(entry.tier == "allow" for entry, _ in found):
                continue  # an allow phrase hides whatever is inside it
            if _word_char(pattern[0]) and start > 0 and _word_char(view[start - 1]):
                continue
            if _word_char(pattern[-1]) and end < len(view) and _word_char(view[end]):
                continue
            for entry, kind in found:
                yield entry.key(), kind, norm.span_to_original(start, end)
            inner = self.block_finder.find_matches_as_indexes(pattern, overlapping=True) if self.block_finder else []
            for block_id, a, b in inner:
                if b - a < len(pattern):
                    for entry, kind in self.owners[self.blocks[block_id]]:
                        if entry.tier == "block":
                            yield entry.key(), kind, norm.span_to_original(start + a, start + b)


def entries() -> list[LexiconEntry]:
    extra = [
        LexiconEntry("法轮功学员", NS, "weak"),  # holds a block term
        LexiconEntry("约炮群", PORN, "weak"),
        LexiconEntry("约炮", "platform.spam", "weak"),  # same spelling as a block term, other tier
        LexiconEntry("印度支那", "*", "allow"),
        LexiconEntry("支那", "illegal.ethnic_hatred", "block"),
        LexiconEntry("ass", PORN, "weak"),  # latin: word boundaries
        LexiconEntry("sex cam", PORN, "weak"),
        LexiconEntry("porn", PORN, "block"),
        LexiconEntry("天气", "*", "weak"),
        LexiconEntry("公园", "*", "weak", ("pinyin",)),
    ]
    return [*Lexicon.curated(), *extra, *synth_terms(3000, seed=5)]


def corpus(lexicon_entries: list[LexiconEntry]) -> list[str]:
    rng = random.Random(99)
    texts = synth_posts(1500, seed=11)
    terms = [e.term for e in lexicon_entries]
    glue = ["", "，", " ", "a", "的", "*", "。", "1", "class "]
    for _ in range(2500):
        parts = [rng.choice(terms) if rng.random() < 0.6 else rng.choice(texts)[:10] for _ in range(rng.randint(1, 6))]
        texts.append("".join(p + rng.choice(glue) for p in parts))
    for entry in lexicon_entries[:400]:
        for _, variant in evasions(entry.term):
            texts.append(f"看{variant}吧")
    texts += ["印度支那半岛", "支那人", "class assessment", "an ass", "sexcam", "s e x   c a m", "法轮功学员们", ""]
    # characters beyond the BMP (two UTF-16 code units each) before, between and inside hits
    texts += [f"😀{rng.choice(terms)}𠀀{rng.choice(terms)}🀄" for _ in range(200)]
    # texts whose UTF-16 bytes hold a term's bytes across a character boundary
    texts += [text for text in map(straddling, terms[:600]) if text]
    return texts


def straddling(term: str) -> str | None:
    """A text, unchanged by normalisation, whose UTF-16 bytes hold ``term``'s bytes one byte off
    from the character boundaries: a byte automaton finds the term there, a character one does not."""
    pattern = normalise_text(term).encode("utf-16-le", "surrogatepass")
    for before in range(0x21, 0x7F):
        for after in range(0x4E, 0x9F):
            text = (bytes([before]) + pattern + bytes([after])).decode("utf-16-le", "surrogatepass")
            if normalise(text).text == text and not any("\ud800" <= ch <= "\udfff" for ch in text):
                return text
    return None


@pytest.fixture(scope="module")
def setup() -> tuple[Lexicon, ReferenceMatcher, list[str]]:
    items = entries()
    return Lexicon(items), ReferenceMatcher(items), corpus(items)


def test_hits_equal_the_reference_rules(setup: tuple[Lexicon, ReferenceMatcher, list[str]]) -> None:
    lexicon, reference, texts = setup
    for text in texts:
        got = [(hit.entry.key(), hit.variant, hit.span) for hit in lexicon.match_text(text)]
        assert got == list(reference.hits(text)), text


def test_plain_and_checked_matches_are_both_exercised(setup: tuple[Lexicon, ReferenceMatcher, list[str]]) -> None:
    """Most texts only hit plain weak patterns (no per-match work); the corpus must also hit the rest."""
    lexicon, _, texts = setup
    kinds = {"none": 0, "plain only": 0, "checked": 0}
    for text in texts:
        found = lexicon.find(normalise(text).text)
        if not found:
            kinds["none"] += 1
        elif max(pattern_id for pattern_id, _, _ in found) < lexicon._n_plain:
            kinds["plain only"] += 1
        else:
            kinds["checked"] += 1
    assert min(kinds.values()) > 100, kinds


def test_a_term_straddling_two_characters_is_no_hit_and_hides_none() -> None:
    """Chinese is matched as UTF-16 bytes; a term's bytes can turn up one byte off the character
    boundaries. Such a "match" is dropped, and a real term it overlaps is still found."""
    lexicon = Lexicon([LexiconEntry("中文", "*", "weak"), LexiconEntry("蝎乥", "*", "weak")])
    text = straddling("中文")
    assert text is not None and "中文" not in text and text[1:3] == "蝎乥"
    raw16 = ahocorasick_rs.BytesAhoCorasick(["中文".encode("utf-16-le")])
    assert raw16.find_matches_as_indexes(text.encode("utf-16-le"))[0][1] % 2 == 1  # the trap is real
    assert [(hit.entry.term, hit.span) for hit in lexicon.match_text(text)] == [("蝎乥", (1, 3))]
    assert [(hit.entry.term, hit.span) for hit in lexicon.match_text(text + "的中文")] == [
        ("蝎乥", (1, 3)), ("中文", (4, 6))
    ]


def test_offsets_count_characters_beyond_the_bmp_as_one() -> None:
    lexicon = Lexicon([LexiconEntry("天气", "*", "weak"), LexiconEntry("公园", "*", "weak")])
    text = "😀😀天气很好𠀀去公园"
    hits = lexicon.match_text(text)
    assert [(text[hit.start : hit.end]) for hit in hits] == ["天气", "公园"]
    assert [hit.span for hit in hits] == [(2, 4), (8, 10)]


def test_matches_iterate_in_text_order_with_view_offsets() -> None:
    lexicon = Lexicon(
        [
            LexiconEntry("天气", "*", "weak"),
            LexiconEntry("法轮功学员", NS, "weak"),
            LexiconEntry("法轮功", NS, "block"),
            LexiconEntry("公园", "*", "weak"),
        ]
    )
    text = "今天天 气不错，几名法轮功学员在公园"
    matches = lexicon.scan(normalise(text))
    view = matches.norm.text
    found = [(entry.term, view[start:end]) for entry, _, start, end in matches]
    assert found == [("天气", "天气"), ("法轮功学员", "法轮功学员"), ("法轮功", "法轮功"), ("公园", "公园")]
    hits = matches.hits()
    assert [hit.entry.tier for hit in hits] == ["weak", "weak", "block", "weak"]
    assert text[hits[0].start : hits[0].end] == "天 气"
