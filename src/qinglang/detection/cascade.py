"""The detection cascade: lexicons, PII, spam heuristics and (when present) trained classifiers,
combined into one :class:`Signals` per item (R7.1, R7.3, R8.2; format in TAXONOMY.md).

Build one :class:`Detector` per process and reuse it: construction compiles the automaton and
loads models; :meth:`Detector.detect` is then cheap and holds no state between calls.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from qinglang.detection import privacy, spam
from qinglang.detection.lexicon import Lexicon, LexiconEntry, Matches
from qinglang.detection.normalise import Normalised, normalise
from qinglang.detection.signals import CATEGORIES, Signals, Span

log = logging.getLogger(__name__)

MAX_CHARS = 20_000
# Operating threshold for the categories the lexicon, PII and spam stages score themselves.
RULE_THRESHOLD = 0.5
# A weak-tier hit may tip a score that is already this close to its threshold, never more.
WEAK_TIP_MARGIN = 0.1
WEAK_PER_TERM = 0.08
WEAK_CAP = 0.3
BLOCK_FIRST = 0.85  # one explicit term
BLOCK_MORE = 0.5  # each further distinct term halves what is left
# Identical short items seen this often in one batch are flooding.
DUPLICATE_MIN = 3
DUPLICATE_SCORE = 0.7
EVIDENCE_PER_CATEGORY = 20
# Recorded with every decision: a new number whenever what the rules flag changes, so that a
# reviewer can tell which rules judged an item. 2: grouped and spelled-out numbers (privacy),
# every sales word next to a contact (spam).
PRIVACY_VERSION = "privacy-rules-2"
SPAM_VERSION = "spam-rules-2"

# Counting by deleting everything else: one sub over a few long runs beats findall's list.
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
_NOT_LATIN = re.compile(r"[^A-Za-z]+")
_LANG_SAMPLE = 400


class ClassifierSuite(Protocol):
    thresholds: dict[str, dict[str, float]]
    versions: dict[str, str]

    def score(self, text: str, title: str | None, lang: str | None) -> dict[str, float]: ...

    # Optional: def score_many(self, texts, titles, langs) -> list[dict[str, float]], the same
    # scores for many items at once (the detector uses it for batches when it is there).


def detect_language(text: str) -> str:
    """``zh`` when CJK makes up a good share of the letters, ``en`` for latin text, else ``und``."""
    sample = text[:_LANG_SAMPLE]
    cjk = len(_NOT_CJK.sub("", sample))
    latin = len(_NOT_LATIN.sub("", sample))
    if cjk and cjk * 3 >= latin / 4:  # a CJK char carries about as much as a 4-letter word
        return "zh"
    return "en" if latin else "und"


def load_classifiers() -> tuple[ClassifierSuite | None, str]:
    """The colleague-built suite when installed and loadable; otherwise None and the reason."""
    try:
        module = importlib.import_module("qinglang.detection.classifiers")
    except ImportError as exc:
        return None, f"absent ({exc.name or 'import failed'})"
    loader = getattr(module, "load_suite", None)
    if loader is None:
        return None, "absent (no load_suite)"
    try:
        return loader(), "loaded"
    except Exception as exc:  # a missing or corrupt artefact must not take detection down
        log.warning("classifiers not loaded: %s", exc)
        return None, f"unavailable ({type(exc).__name__})"


# A weak hit whose span is only mapped if its category ends up flagged:
# (matching view, start, end, entry, variant, field).
_WeakHit = tuple[Normalised, int, int, LexiconEntry, str, str]


@dataclass
class _Item:
    """Everything gathered for one item before scores are combined."""

    block: dict[str, set[str]] = field(default_factory=dict)
    weak: dict[str, set[str]] = field(default_factory=dict)
    evidence: dict[str, list[Span | _WeakHit]] = field(default_factory=dict)

    def add_matches(self, matches: Matches, where: str) -> None:
        norm = matches.norm
        for entry, variant, start, end in matches:
            category = entry.category
            if entry.tier == "block":
                self.block.setdefault(category, set()).add(entry.term)
                a, b = norm.span_to_original(start, end)
                self.add_span(Span(category, a, b, "lexicon", _detail(entry, variant), where))
            else:
                self.weak.setdefault(category, set()).add(entry.term)
                # counts towards the evidence cap like a span, as every hit always did
                self._add_evidence(category, (norm, start, end, entry, variant, where))

    def add_span(self, span: Span) -> None:
        self._add_evidence(span.category, span)

    def _add_evidence(self, category: str, span: Span | _WeakHit) -> None:
        spans = self.evidence.setdefault(category, [])
        if len(spans) < EVIDENCE_PER_CATEGORY:
            spans.append(span)

    def spans(self, category: str, flagged: bool) -> Iterator[Span]:
        """Evidence for one category; weak hits only when it is flagged, mapped only then."""
        for span in self.evidence.get(category, ()):
            if isinstance(span, Span):
                yield span
            elif flagged:
                norm, start, end, entry, variant, where = span
                a, b = norm.span_to_original(start, end)
                yield Span(category, a, b, "lexicon", f"weak: {_detail(entry, variant)}", where)


def _detail(entry: LexiconEntry, variant: str) -> str:
    return entry.term if variant == "term" else f"{entry.term} ({variant})"


class Detector:
    """One object answering ``detect(text, title, lang, kind) -> Signals``."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        extra_lexicons: Iterable[Lexicon] = (),
        classifiers: ClassifierSuite | None | str = "auto",
        max_chars: int = MAX_CHARS,
        flag_level: str = "review",
    ) -> None:
        base = lexicon if lexicon is not None else Lexicon.curated()
        extra = list(extra_lexicons)
        self.lexicon = base.merged(*extra) if extra else base
        if classifiers == "auto":
            self.suite, status = load_classifiers()
        else:
            self.suite = classifiers  # type: ignore[assignment]
            status = "loaded" if classifiers is not None else "absent (disabled)"
        self.max_chars = max_chars
        self.model_versions: dict[str, str] = {
            "lexicon": self.lexicon.version,
            "privacy": PRIVACY_VERSION,
            "spam": SPAM_VERSION,
        }
        if self.suite is not None:
            self.model_versions.update(self.suite.versions)
        else:
            self.model_versions["classifiers"] = status
        self.thresholds = self._thresholds(flag_level)
        self.categories = tuple(c for c in CATEGORIES if c in self.thresholds)

    def _thresholds(self, flag_level: str) -> dict[str, float]:
        rules = set(self.lexicon.categories) | {"illegal.privacy", "platform.spam"}
        out = {category: RULE_THRESHOLD for category in rules}
        if self.suite is not None:
            for category, levels in self.suite.thresholds.items():
                if category in CATEGORIES:
                    out[category] = float(levels.get(flag_level, levels.get("review", 0.5)))
        return out

    # -- public API ---------------------------------------------------------------------------

    def detect(self, text: str, title: str | None = None, lang: str | None = None, kind: str = "post") -> Signals:
        return self._detect(text, title, lang, kind)[0]

    def detect_many(self, texts: Sequence[str], titles: Sequence[str | None], kinds: Sequence[str]) -> list[Signals]:
        """``detect`` for several items (a batch of submissions): the same signals, with the
        classifiers scoring the items together."""
        scores = self._model_scores_many(texts, titles)
        return [self._detect(text, title, None, kind, model_scores=item_scores)[0]
                for text, title, kind, item_scores in zip(texts, titles, kinds, scores, strict=True)]

    def detect_batch(self, items: Iterable[Mapping[str, Any]]) -> list[Signals]:
        """Detect each item; short items repeated verbatim within the batch also count as spam."""
        items = list(items)
        scores = self._model_scores_many([item["text"] for item in items], [item.get("title") for item in items],
                                         [item.get("lang") for item in items])
        results: list[tuple[Signals, str, str, int]] = []
        for item, item_scores in zip(items, scores, strict=True):
            kind = str(item.get("kind") or "post")
            text = item["text"]
            signals, key = self._detect(text, item.get("title"), item.get("lang"), kind, model_scores=item_scores)
            results.append((signals, key, kind, min(len(text), self.max_chars)))
        counts = Counter(key for _, key, kind, _ in results if key and kind in spam.FLOOD_KINDS)
        for signals, key, kind, length in results:
            repeats = counts.get(key, 0)
            if kind in spam.FLOOD_KINDS and repeats >= DUPLICATE_MIN:
                self._mark_duplicate(signals, repeats, length)
        return [signals for signals, *_ in results]

    # -- internals ----------------------------------------------------------------------------

    def _detect(self, text: str, title: str | None, lang: str | None, kind: str,
                model_scores: dict[str, float] | None = None) -> tuple[Signals, str]:
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        versions = dict(self.model_versions)
        truncated = []
        if len(text) > self.max_chars:
            truncated.append(f"text:{self.max_chars}/{len(text)}")
        if title is not None and len(title) > self.max_chars:
            truncated.append(f"title:{self.max_chars}/{len(title)}")
        text, title = self._clipped(text, title)
        if truncated:
            versions["truncated"] = ",".join(truncated)
        lang = lang or detect_language(text if text.strip() else (title or ""))

        item = _Item()
        norm = normalise(text)
        item.add_matches(self.lexicon.scan(norm), "text")
        if title:
            item.add_matches(self.lexicon.scan(normalise(title)), "title")

        scores = {category: 0.0 for category in self.categories}
        for category in self.lexicon.categories:
            scores[category] = self._lexicon_base(item, category)
        scores["illegal.privacy"] = self._privacy(text, title, item)
        scores["platform.spam"] = self._spam(text, kind, item, scores["platform.spam"])
        if model_scores is None:
            model_scores = self._model_scores(text, title, lang)
        for category, value in model_scores.items():
            if category in scores:
                scores[category] = max(scores[category], value)

        flags: list[str] = []
        for category in self.categories:
            base = scores[category]
            weak = min(WEAK_CAP, WEAK_PER_TERM * len(item.weak.get(category, ())))
            final = base + (1.0 - base) * weak
            scores[category] = min(final, 0.999)
            threshold = self.thresholds[category]
            if final >= threshold and base >= threshold - WEAK_TIP_MARGIN:
                flags.append(category)
                if category in model_scores and model_scores[category] >= threshold:
                    item.add_span(
                        Span(category, 0, len(text), "model", f"score {model_scores[category]:.2f}")  # fmt: skip
                    )
        evidence = [span for category in self.categories for span in item.spans(category, category in flags)]
        evidence.sort(key=lambda s: (s.field != "text", s.start, s.end, s.category))
        signals = Signals(scores=scores, flags=flags, evidence=evidence, model_versions=versions)
        return signals, norm.text if len(norm.text) <= 200 else ""

    def _lexicon_base(self, item: _Item, category: str) -> float:
        terms = len(item.block.get(category, ()))
        if not terms:
            return 0.0
        return 1.0 - (1.0 - BLOCK_FIRST) * BLOCK_MORE ** (terms - 1)

    def _privacy(self, text: str, title: str | None, item: _Item) -> float:
        matches = privacy.find_pii(text)
        for m in matches:
            item.add_span(Span("illegal.privacy", m.start, m.end, "pii", m.kind))
        title_matches = privacy.find_pii(title) if title else []
        for m in title_matches:
            item.add_span(Span("illegal.privacy", m.start, m.end, "pii", m.kind, "title"))
        return privacy.privacy_score(matches + title_matches, text)

    def _spam(self, text: str, kind: str, item: _Item, lexicon_score: float) -> float:
        found = spam.spam_signals(text)
        for s in found:
            # The evidence format names four sources; these are hand-written patterns, which is
            # what the lexicon stage is, so they are reported as "lexicon" with a "pattern:" detail.
            item.add_span(Span("platform.spam", s.start, s.end, "lexicon", f"pattern:{s.reason}"))
        has_phone = any(span.detail == "mobile" for span in item.evidence.get("illegal.privacy", ()))
        heuristic = spam.spam_score(found, kind, has_phone)
        return 1.0 - (1.0 - lexicon_score) * (1.0 - heuristic)

    def _clipped(self, text: str, title: str | None) -> tuple[str, str | None]:
        return text[: self.max_chars], None if title is None else title[: self.max_chars]

    def _model_scores_many(self, texts: Sequence[str], titles: Sequence[str | None],
                           declared: Sequence[str | None] | None = None) -> list[dict[str, float]]:
        """``_model_scores`` of each item, scored together when the suite can batch."""
        clipped = [self._clipped(text, title) for text, title in zip(texts, titles, strict=True)]
        langs = [lang or detect_language(text if text.strip() else (title or ""))
                 for (text, title), lang in zip(clipped, declared or [None] * len(clipped), strict=True)]
        scored = [n for n, (text, title) in enumerate(clipped) if text.strip() or (title or "").strip()]
        score_many = getattr(self.suite, "score_many", None)
        if score_many is not None and scored:
            try:
                many = score_many([clipped[n][0] for n in scored], [clipped[n][1] for n in scored],
                                  [langs[n] for n in scored])
            except Exception:  # one bad item must not cost the others their scores: one by one below
                log.warning("classifier batch failed; scoring its items one by one", exc_info=True)
            else:
                out: list[dict[str, float]] = [{} for _ in clipped]
                for n, item_scores in zip(scored, many, strict=True):
                    out[n] = {k: float(v) for k, v in item_scores.items()}
                return out
        return [self._model_scores(text, title, lang) for (text, title), lang in zip(clipped, langs, strict=True)]

    def _model_scores(self, text: str, title: str | None, lang: str) -> dict[str, float]:
        if self.suite is None or not (text.strip() or (title or "").strip()):
            return {}
        try:
            return {k: float(v) for k, v in self.suite.score(text, title, lang).items()}
        except Exception as exc:  # one bad item must not stop a batch; the lexicon still answers
            log.warning("classifier failed on an item: %s", exc)
            return {}

    def _mark_duplicate(self, signals: Signals, repeats: int, text_len: int) -> None:
        current = signals.scores.get("platform.spam", 0.0)
        signals.scores["platform.spam"] = 1.0 - (1.0 - current) * (1.0 - DUPLICATE_SCORE)
        if "platform.spam" not in signals.flags and signals.scores["platform.spam"] >= RULE_THRESHOLD:
            signals.flags.append("platform.spam")
            signals.flags.sort(key=CATEGORIES.index)
        signals.evidence.append(
            Span("platform.spam", 0, max(1, text_len), "lexicon", f"pattern:duplicate x{repeats} in batch")  # fmt: skip
        )
