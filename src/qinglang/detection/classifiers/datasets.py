"""The public training sets in ``../shared/data``: labels, splits and de-duplication.

Every model is a (category, language) pair fed by one or more dataset folders. Splits are the
official ones where a source has them; otherwise a stable hash of a grouping key decides, so
``train`` and ``eval`` rebuild identical splits on any machine without storing them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from qinglang.detection.classifiers.features import normalise

FALSE_INFO = "illegal.false_information"
INSULT = "illegal.insult_slander"
CLICKBAIT = "bad.clickbait"
CLASSIFIER_CATEGORIES = (FALSE_INFO, INSULT, CLICKBAIT)
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Source:
    """How one dataset folder maps onto a binary task."""

    folder: str
    positive: Callable[[dict[str, Any]], bool]
    # Fraction (in percent) for train and val when the source has no usable official split.
    hash_split: tuple[int, int] | None = None
    group_key: str = "id"
    has_title: bool = False
    # Training weight of a row (models that take sample weights); 1 when absent.
    weight: Callable[[dict[str, Any]], float] | None = None
    # Rows to read at all; every row when absent.
    keep: Callable[[dict[str, Any]], bool] | None = None


# LIAR's binary view merges three grades on each side. The ends of the scale (pants-fire,
# true) are the clearest examples of their side, so they count more; of three weightings
# tried in 5-fold CV on train + val this one ranked best (AUC +0.003 over unweighted).
LIAR_GRADE_WEIGHT = {
    "pants-fire": 3.0,
    "false": 2.0,
    "barely-true": 1.0,
    "half-true": 1.0,
    "mostly-true": 2.0,
    "true": 3.0,
}


SOURCES: dict[tuple[str, str], tuple[Source, ...]] = {
    (FALSE_INFO, "zh"): (
        Source("weibo21", lambda r: r["label"] == "fake"),
        Source("checked", lambda r: r["label"] == "fake"),
    ),
    (FALSE_INFO, "en"): (
        # LIAR's binary view: pants-fire, false and barely-true count as false.
        Source(
            "liar",
            lambda r: r["label_binary"] == "false",
            weight=lambda r: LIAR_GRADE_WEIGHT.get(str(r.get("label")), 1.0),
        ),
        Source("constraint-covid-en", lambda r: r["label"] == "fake"),
    ),
    (INSULT, "zh"): (
        Source("cold", lambda r: r["label"] == "offensive"),
        # Comments under one weibo share wording and targets, so they stay on one side.
        Source("swsr", lambda r: r["label"] == "sexist", (70, 15), group_key="weibo_id"),
    ),
    (INSULT, "en"): (
        # Both "hate" and "offensive" are abusive attacks for this category.
        Source("davidson-hate-en", lambda r: r["label"] in ("hate", "offensive"), (70, 15)),
    ),
    (CLICKBAIT, "zh"): (
        # Only a test split exists upstream; 496 rows are split here for fitting and checking.
        Source("hancd-clickbait-zh", lambda r: r["label"] == "clickbait", (60, 20), has_title=True),
    ),
    (CLICKBAIT, "en"): (
        Source("clickbait-chakraborty-en", lambda r: r["label"] == "clickbait", (70, 15), has_title=True),
    ),
}


# Ordinary posts that are not false information, lent to one false-information sub-model as
# extra negatives. weibo21 and CHECKED contrast rumours with news reports only, so chit-chat and
# opinion, in neither class, scored like rumours (13% of COLD's harmless comments reached 0.85).
# Harmless comments of the insult sets fill that gap. Only their train and val rows are read,
# with the splits the insult heads use, so no insult test item is trained on by either head.
# English insult has the mirror problem: Davidson's tweets are 83% abusive and its few harmless
# ones are tweets too, so a plain question with "you" in it ("What do you think about the new
# policy?") scored 0.70 and was flagged. Headlines and political statements, abusive almost
# never, are lent the same way (with the splits their own heads use).
ORDINARY_NEGATIVES: dict[tuple[str, str], dict[str, tuple[Source, ...]]] = {
    (FALSE_INFO, "zh"): {
        "weibo21": (
            Source("cold", lambda r: False, keep=lambda r: r["label"] == "safe"),
            Source("swsr", lambda r: False, (70, 15), group_key="weibo_id", keep=lambda r: r["label"] == "not_sexist"),
        ),
    },
    (FALSE_INFO, "en"): {
        "constraint-covid-en": (
            Source("davidson-hate-en", lambda r: False, (70, 15), keep=lambda r: r["label"] == "neither"),
        ),
    },
    (INSULT, "en"): {
        "davidson-hate-en": (
            Source("clickbait-chakraborty-en", lambda r: False, (70, 15)),
            Source("liar", lambda r: False),
        ),
    },
}


@dataclass(frozen=True)
class Example:
    text: str
    title: str | None
    label: int
    source: str
    split: str
    weight: float = 1.0


def find_data_dir(explicit: Path | None = None) -> Path | None:
    """``../shared/data`` beside the project root, looked for from the code and the cwd."""
    if explicit is not None:
        return explicit if explicit.is_dir() else None
    starts = [Path(__file__).resolve(), Path.cwd().resolve()]
    for start in starts:
        for parent in [start, *start.parents]:
            if (parent / "pyproject.toml").is_file():
                candidate = parent.parent / "shared" / "data"
                if candidate.is_dir():
                    return candidate
    return None


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)


def _hash_split(key: str, shares: tuple[int, int]) -> str:
    bucket = zlib.crc32(key.encode("utf-8")) % 100
    if bucket < shares[0]:
        return "train"
    return "val" if bucket < shares[0] + shares[1] else "test"


def _dedup_key(example: Example) -> str:
    # Normalised first 80 characters, as in the dataset READMEs' leakage counts: catches
    # re-posts that differ only in a trailing link or spacing.
    basis = example.title if example.title is not None else example.text
    return normalise(basis).replace(" ", "")[:80]


def load_source(data_dir: Path, source: Source) -> list[Example]:
    path = data_dir / source.folder / "data.jsonl"
    out = []
    for row in _rows(path):
        if source.keep is not None and not source.keep(row):
            continue
        if source.hash_split is not None:
            split = _hash_split(str(row.get(source.group_key, row["id"])), source.hash_split)
        else:
            split = str(row.get("split", "train"))
        title = row.get("title") if source.has_title else None
        body = str(row.get("body", "")) if source.has_title else str(row["text"])
        if source.has_title and body == title:
            body = ""  # headline-only sets repeat the title as text
        weight = 1.0 if source.weight is None else float(source.weight(row))
        out.append(Example(body, title, int(source.positive(row)), source.folder, split, weight))
    return out


def load_task(data_dir: Path, category: str, lang: str) -> list[Example]:
    """All examples for one model, with leakage removed.

    Duplicates keep their first occurrence in the order train, val, test: a test item seen in
    training (in any source of the task) is dropped from test, never the other way round, so
    test figures are on unseen texts. Conflicting duplicate labels resolve the same way.
    """
    examples = [ex for source in SOURCES[(category, lang)] for ex in load_source(data_dir, source)]
    order = {"train": 0, "val": 1, "test": 2}
    examples.sort(key=lambda ex: order.get(ex.split, 0))
    seen: set[str] = set()
    kept = []
    for ex in examples:
        key = _dedup_key(ex)
        if not key or key in seen:
            continue
        seen.add(key)
        kept.append(ex)
    return kept


def load_ordinary_negatives(data_dir: Path, category: str, lang: str, task: list[Example]) -> dict[str, list[Example]]:
    """Extra label-0 texts per sub-model (keyed by its source folder): train and val rows only.

    A text already in ``task`` (in any split) is dropped here, so the task's test items stay
    exactly as :func:`load_task` leaves them and none of them is trained on.
    """
    seen = {_dedup_key(ex) for ex in task}
    out: dict[str, list[Example]] = {}
    for target, sources in ORDINARY_NEGATIVES.get((category, lang), {}).items():
        kept = []
        for source in sources:
            for ex in load_source(data_dir, source):
                key = _dedup_key(ex)
                if ex.split not in ("train", "val") or not key or key in seen:
                    continue
                seen.add(key)
                kept.append(ex)
        out[target] = kept
    return out


def available(data_dir: Path | None) -> bool:
    if data_dir is None:
        return False
    folders = {s.folder for sources in SOURCES.values() for s in sources}
    return all((data_dir / folder / "data.jsonl").is_file() for folder in folders)
