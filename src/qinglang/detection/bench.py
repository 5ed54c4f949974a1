"""Reproducible throughput and latency figures for detection (``qinglang bench detect``).

Posts are synthesised from a fixed seed: ~140 Chinese characters of everyday words with
punctuation, a few with latin words, numbers, traditional characters or a curated term, so every
stage of the cascade does real work. Everything runs in this one process on one core.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import ahocorasick_rs

from qinglang.detection.lexicon import Lexicon, LexiconEntry
from qinglang.detection.normalise import normalise
from qinglang.detection.seeds import load_seed_lexicon

_WORD_TEXT = (
    "今天 天气 不错 我们 一起 去 公园 散步 晚上 吃饭 朋友 推荐 这家 "
    "餐厅 味道 很好 价格 实惠 工作 有点 累 周末 打算 看 电影 孩子 学校 "
    "老师 作业 考试 成绩 进步 手机 新 买 的 电脑 游戏 好玩 视频 分享 "
    "给 大家 希望 喜欢 城市 交通 地铁 上班 下班 时间 早上 咖啡 读书 "
    "运动 跑步 健康 医院 医生 感冒 发烧 休息 旅游 风景 照片 美丽 历史 "
    "文化 博物馆 新闻 经济 发展 科技 公司 产品 质量 服务 客户 问题 解决 "
    "方法 经验 生活 家庭 父母 节日 快乐 "
)
_WORDS = tuple(_WORD_TEXT.split())
_PUNCT = "，，，。！？、"
_TRADITIONAL = str.maketrans("发说们这个时国东车门见长书电话会", "發說們這個時國東車門見長書電話會")
_EXTRAS = ("iPhone 15", "2024年", "¥199", "😀", "ok", "hhh", "转发抽奖")
# Where each kind of post comes from in the mix, in percent.
_MIX = {"plain": 82, "traditional": 6, "extras": 7, "term": 3, "phone": 2}


@dataclass(frozen=True)
class Timing:
    name: str
    items: int
    items_per_s: float
    p50_ms: float
    p99_ms: float

    def line(self) -> str:
        return (f"{self.name:<34} {self.items_per_s:>10,.0f} items/s   "
                f"p50 {self.p50_ms:.4f} ms   p99 {self.p99_ms:.4f} ms")  # fmt: skip


def synth_posts(n: int, seed: int = 7, length: int = 140) -> list[str]:
    rng = random.Random(seed)
    terms = ["约炮", "法轮功", "加微信", "窒息挑战", "盗版资源", "出售枪支"]
    kinds = [k for k, weight in _MIX.items() for _ in range(weight)]
    posts: list[str] = []
    for _ in range(n):
        parts: list[str] = []
        size = 0
        while size < length:
            word = rng.choice(_WORDS)
            parts.append(word)
            size += len(word)
            if rng.random() < 0.15:
                parts.append(rng.choice(_PUNCT))
                size += 1
        kind = rng.choice(kinds)
        if kind == "traditional":
            parts = [p.translate(_TRADITIONAL) for p in parts]
        elif kind == "extras":
            parts.insert(rng.randrange(len(parts)), rng.choice(_EXTRAS))
        elif kind == "term":
            parts.insert(rng.randrange(len(parts)), rng.choice(terms))
        elif kind == "phone":
            parts.insert(rng.randrange(len(parts)), f"电话1{rng.randint(3, 9)}{rng.randrange(10**9):09d}")
        posts.append("".join(parts)[: length + 8])
    return posts


def synth_terms(n: int, seed: int = 11) -> list[LexiconEntry]:
    """Stand-in for the seed lexicons when ../shared/data is absent: n random 2-5 char terms."""
    rng = random.Random(seed)
    chars = "".join(_WORDS)
    terms: set[str] = set()
    while len(terms) < n:
        terms.add("".join(rng.choice(chars) for _ in range(rng.randint(2, 5))))
    return [LexiconEntry(term=t, category="*", tier="weak") for t in sorted(terms)]


def big_lexicon(size: int = 100_000, data_dir: Path | None = None) -> tuple[Lexicon, str]:
    seed = load_seed_lexicon(data_dir, limit=size)
    if seed is not None:
        return seed, f"seed lexicons from ../shared/data ({len(seed)} terms)"
    return Lexicon(synth_terms(size), name="synthetic"), f"synthetic ({size} terms)"


def time_each(name: str, fn: Callable[[str], object], items: Sequence[str]) -> Timing:
    return time_interleaved({name: fn}, items).timings[0]


@dataclass(frozen=True)
class Interleaved:
    timings: list[Timing]
    blocks: dict[str, list[int]]  # nanoseconds each stage spent on each chunk, in turn order

    def paired_ratio(self, numerator: str, denominator: str) -> float:
        """Median over chunks of time(denominator) / time(numerator): the throughput of the
        numerator stage relative to the other, chunk by chunk on the same items. A chunk that a
        busy machine slows down is an outlier here, where it would move a ratio of totals."""
        pairs = zip(self.blocks[denominator], self.blocks[numerator], strict=True)
        return statistics.median(other / mine for other, mine in pairs)


def time_interleaved(stages: dict[str, Callable[[str], object]], items: Sequence[str], chunk: int = 250) -> Interleaved:
    """Time several stages over the same items, taking turns chunk by chunk (the order rotating
    from turn to turn), so that a change in machine load hits them all alike. On a shared machine
    the ratio of two stages timed one after the other swung by ±15% between runs."""
    for fn in stages.values():
        for item in items[:200]:  # warm caches and lazy tables before timing
            fn(item)
    names = list(stages)
    durations: dict[str, list[int]] = {name: [] for name in names}
    blocks: dict[str, list[int]] = {name: [] for name in names}
    clock = time.perf_counter_ns
    gc.collect()
    gc.disable()  # a collection landing inside one item would show as a fake p99 spike
    try:
        for turn, low in enumerate(range(0, len(items), chunk)):
            block = items[low : low + chunk]
            for name in names[turn % len(names) :] + names[: turn % len(names)]:
                fn = stages[name]
                spent = durations[name]
                start_block = clock()
                for item in block:
                    start = clock()
                    fn(item)
                    spent.append(clock() - start)
                blocks[name].append(clock() - start_block)
    finally:
        gc.enable()
    return Interleaved([_timing(name, len(items), sum(blocks[name]), durations[name]) for name in names], blocks)


def time_batches(name: str, fn: Callable[[Sequence[str]], object], items: Sequence[str], size: int) -> Timing:
    """Items/s through ``fn`` given ``size`` items at a time (as the submission intake does);
    the percentiles are per batch."""
    batches = [items[low : low + size] for low in range(0, len(items), size)]
    per_batch = time_interleaved({name: fn}, batches).timings[0]  # type: ignore[dict-item]
    return replace(per_batch, items=len(items), items_per_s=per_batch.items_per_s * len(items) / len(batches))


def _timing(name: str, items: int, total_ns: int, durations: list[int]) -> Timing:
    durations.sort()
    p99 = durations[min(len(durations) - 1, int(len(durations) * 0.99))]
    return Timing(name, items, items / (total_ns / 1e9), statistics.median(durations) / 1e6, p99 / 1e6)


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to cpu {cpu}"
    return "not pinned (no sched_setaffinity)"


def lexicon_stage(lexicon: Lexicon) -> Callable[[str], object]:
    """Exactly the cascade's lexicon calls: normalise, then scan (hits kept as compact matches)."""
    scan = lexicon.scan
    return lambda text: scan(normalise(text))


def raw_matcher(lexicon: Lexicon) -> Callable[[str], object]:
    """ahocorasick-rs as it is usually called: the str API, the same patterns and match kind."""
    automaton = ahocorasick_rs.AhoCorasick(lexicon.patterns, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
    return automaton.find_matches_as_indexes


def raw_utf16_matcher(lexicon: Lexicon) -> Callable[[str], object]:
    """The stage's own automaton over the raw text's UTF-16 bytes, the way the stage matches
    Chinese: printed beside the str baseline so that the gain from the encoding shows on its own."""
    find = lexicon.matcher.utf16
    return lambda text: find(text.encode("utf-16-le", "surrogatepass"))


def pyahocorasick_matcher(lexicon: Lexicon) -> tuple[Callable[[str], object], float] | None:
    """The same patterns in pyahocorasick (benchmark only), with its build time in seconds."""
    try:
        import ahocorasick
    except ImportError:
        return None
    start = time.perf_counter()
    automaton = ahocorasick.Automaton()
    for index, pattern in enumerate(lexicon.patterns):
        automaton.add_word(pattern, index)
    automaton.make_automaton()
    build = time.perf_counter() - start
    return (lambda text: list(automaton.iter_long(text))), build
