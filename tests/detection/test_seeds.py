"""The public seed lexicons load as weak-tier terms when present (R7.1; data stays outside)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qinglang.detection.cascade import Detector
from qinglang.detection.seeds import load_seed_lexicon, seed_entries

pytestmark = pytest.mark.data


def test_seed_lexicons_load_as_weak_terms_only(shared_data: Path) -> None:
    entries = seed_entries(shared_data)
    if not entries:
        pytest.skip("seed lexicon folders not present under ../shared/data")
    assert len(entries) > 50_000
    assert {e.tier for e in entries} == {"weak"}


def test_seed_terms_never_flag_a_text_alone(shared_data: Path) -> None:
    seed = load_seed_lexicon(shared_data, limit=20_000)
    if seed is None:
        pytest.skip("seed lexicon folders not present under ../shared/data")
    detector = Detector(lexicon=seed, classifiers=None)  # seed terms only, no curated list
    text = "，".join(e.term for e in list(seed)[:200])  # two hundred seed terms in one post
    signals = detector.detect(text)
    lexicon_only = {c for c in signals.flags if c not in {"platform.spam", "illegal.privacy"}}
    assert lexicon_only == set()


def test_absent_folder_gives_no_lexicon(tmp_path: Path) -> None:
    assert load_seed_lexicon(tmp_path) is None
