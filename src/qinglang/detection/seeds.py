"""Read the public seed lexicons from ``../shared/data`` when they are present (weak tier only).

They are never copied into the repository or the package: a deployment that wants them points
:func:`load_seed_lexicon` at its own copy. Their terms hit most safe posts (see the data READMEs),
which is why everything loaded here is ``weak``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from qinglang.detection.lexicon import Lexicon, LexiconEntry

# houbb's WordTagType codes → our categories; drugs, gambling and the large "crime" tag have no
# category of their own here and stay uncategorised ("*"), which still matches but scores nothing.
_HOUBB_TAGS = {"0": "illegal.national_security", "2": "illegal.pornography"}
_KONSHENG_FILES = {
    "政治类型": "illegal.national_security",
    "反动词库": "illegal.national_security",
    "GFW补充词库": "illegal.national_security",
    "色情类型": "illegal.pornography",
    "色情词库": "illegal.pornography",
    "暴恐词库": "illegal.terrorism",
    "涉枪涉爆": "illegal.violence",
    "广告类型": "platform.spam",
}
UNCATEGORISED = "*"


def project_root() -> Path:
    return Path(__file__).resolve().parents[3]


def shared_data_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / ".." / "shared" / "data"


def _houbb(folder: Path) -> Iterator[LexiconEntry]:
    path = folder / "lexicon-houbb-zh" / "terms.jsonl"
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for line in handle:
            row = orjson.loads(line)
            term = str(row.get("term") or "").strip()
            if not term:
                continue
            tags = [str(t) for t in row.get("categories") or ()]
            category = next((_HOUBB_TAGS[t] for t in tags if t in _HOUBB_TAGS), UNCATEGORISED)
            yield LexiconEntry(term=term, category=category, tier="weak")


def _konsheng(folder: Path) -> Iterator[LexiconEntry]:
    vocab = folder / "lexicon-konsheng-zh" / "raw" / "Vocabulary"
    if not vocab.is_dir():
        return
    for path in sorted(vocab.glob("*.txt")):
        category = _KONSHENG_FILES.get(path.stem, UNCATEGORISED)
        for line in path.read_text("utf-8", errors="replace").splitlines():
            term = line.strip().rstrip(",")
            if term:
                yield LexiconEntry(term=term, category=category, tier="weak")


def seed_entries(folder: Path | None = None, limit: int | None = None) -> list[LexiconEntry]:
    """Weak-tier entries from both seed lexicons; empty when the data folder is absent."""
    folder = folder or shared_data_dir()
    out: list[LexiconEntry] = []
    seen: set[str] = set()
    for entry in (*_houbb(folder), *_konsheng(folder)):
        if entry.term in seen:
            continue
        seen.add(entry.term)
        out.append(entry)
        if limit is not None and len(out) >= limit:
            break
    return out


def load_seed_lexicon(folder: Path | None = None, limit: int | None = None) -> Lexicon | None:
    entries = seed_entries(folder, limit)
    return Lexicon(entries, name="seed") if entries else None
