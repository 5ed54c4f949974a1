"""A tiny synthetic copy of the ../shared/data layout, so training is tested without the data."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pytest

ZH_NEUTRAL = [
    "今天天气不错，我们去公园散步",
    "这家店的面条很好吃，推荐大家",
    "明天上午开会讨论项目进度",
    "图书馆周末开放时间延长",
    "新的地铁线路下个月通车",
]
ZH_ABUSE = ["你这个傻逼滚出去", "蠢货闭嘴吧垃圾", "傻逼东西真恶心", "滚吧蠢货废物", "你就是个垃圾废物"]
ZH_FAKE = ["震惊！喝醋能治愈新冠，转发救人", "紧急通知：明天全城停水停电三天，速转", "网传吃大蒜可以防病毒，赶紧转发"]
ZH_REAL = ["市卫健委通报昨日新增病例情况", "气象台发布明日天气预报：多云", "教育局公布今年中考时间安排"]
EN_NEUTRAL = [
    "the council approved the new library budget",
    "rain is expected over the weekend",
    "the museum opens a new exhibition on monday",
    "students returned to school today",
]
EN_ABUSE = [
    "you stupid idiot shut up",
    "what a worthless moron you are",
    "go away you dumb idiot",
    "shut up you pathetic loser",
]
EN_FAKE = [
    "drinking bleach cures the virus share now",
    "5g towers spread the virus they hide it",
    "miracle herb cures covid doctors hate it",
]
EN_REAL = [
    "health ministry reports new case numbers",
    "cdc updates guidance on testing",
    "officials report vaccination figures for the week",
]
EN_BAIT = [
    "you won't believe what this dog did",
    "these 10 tricks will change your life",
    "this is why you should never do this",
]
EN_NEWS = ["parliament passes budget bill", "central bank holds interest rates", "earthquake strikes off the coast"]


def _split(i: int) -> str:
    return ("train", "train", "train", "train", "train", "train", "val", "val", "test", "test")[i % 10]


def _tag(i: int) -> str:
    return "".join(chr(ord("a") + (i // 26**k) % 26) for k in range(3))


def _write(root: Path, folder: str, rows: list[dict[str, Any]]) -> None:
    (root / folder).mkdir(parents=True, exist_ok=True)
    with (root / folder / "data.jsonl").open("wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(row) + b"\n")


def _binary(rng: random.Random, pos: list[str], neg: list[str], n: int) -> list[tuple[str, bool]]:
    out = []
    for i in range(n):
        positive = i % 2 == 0
        base = rng.choice(pos if positive else neg)
        # Letters, not digits: digits normalise to 0 and would make every row a duplicate.
        out.append((f"{base} {_tag(i)}", positive))
    return out


def make_synthetic(root: Path, n: int = 80) -> Path:
    rng = random.Random(7)
    for folder, pos, neg, labels in (
        ("weibo21", ZH_FAKE, ZH_REAL, ("fake", "real")),
        ("checked", ZH_FAKE, ZH_REAL, ("fake", "real")),
        ("constraint-covid-en", EN_FAKE, EN_REAL, ("fake", "real")),
        ("cold", ZH_ABUSE, ZH_NEUTRAL, ("offensive", "safe")),
    ):
        rows = [
            {"id": f"{folder}-{i}", "text": t, "label": labels[0] if p else labels[1], "split": _split(i)}
            for i, (t, p) in enumerate(_binary(rng, pos, neg, n))
        ]
        _write(root, folder, rows)
    _write(
        root,
        "liar",
        [
            {"id": str(i), "text": t, "label_binary": "false" if p else "true", "split": _split(i)}
            for i, (t, p) in enumerate(_binary(rng, EN_FAKE, EN_REAL, n))
        ],
    )
    _write(
        root,
        "swsr",
        [
            {"id": f"s{i}", "text": t, "label": "sexist" if p else "not_sexist", "weibo_id": f"w{i}"}
            for i, (t, p) in enumerate(_binary(rng, ZH_ABUSE, ZH_NEUTRAL, n))
        ],
    )
    _write(
        root,
        "davidson-hate-en",
        [
            {"id": f"d{i}", "text": t, "label": "offensive" if p else "neither"}
            for i, (t, p) in enumerate(_binary(rng, EN_ABUSE, EN_NEUTRAL, n))
        ],
    )
    _write(
        root,
        "clickbait-chakraborty-en",
        [
            {"id": f"c{i}", "title": t, "text": t, "label": "clickbait" if p else "not_clickbait"}
            for i, (t, p) in enumerate(_binary(rng, EN_BAIT, EN_NEWS, n))
        ],
    )
    zh_rows = []
    for i in range(n):
        body = f"{rng.choice(ZH_REAL)}，{rng.choice(ZH_NEUTRAL)}。编号{_tag(i)}。"
        # Consistent titles repeat the body's opening; clickbait ones tease something else.
        title = f"震惊！竟然是这个原因{_tag(i)}？" if i % 2 == 0 else f"{body[:10]}{_tag(i)}"
        zh_rows.append(
            {
                "id": f"h{i}",
                "title": title,
                "text": title,
                "body": body,
                "label": "clickbait" if i % 2 == 0 else "not_clickbait",
            }
        )
    _write(root, "hancd-clickbait-zh", zh_rows)
    return root


@pytest.fixture(scope="session")
def synthetic_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_synthetic(tmp_path_factory.mktemp("shared") / "data")


@pytest.fixture(scope="session")
def synthetic_weights(synthetic_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qinglang.detection.classifiers.training import train_all

    out = tmp_path_factory.mktemp("weights")
    train_all(synthetic_data, out, seed=0, floors=False, log=lambda _msg: None)
    return out
