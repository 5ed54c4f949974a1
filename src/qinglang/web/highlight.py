"""Evidence spans, given as offsets into the original text, shown as marked passages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    categories: tuple[str, ...] = ()

    @property
    def marked(self) -> bool:
        return bool(self.categories)


def segments(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """Cut ``text`` at every span boundary; each piece lists the categories whose spans cover it.

    Spans may overlap (privacy and a lexicon hit on the same number) and may be stale or out of
    range if the detector's offsets disagree with the stored text: those are clipped, never
    allowed to break the page.
    """
    cleaned = [(max(0, s), min(len(text), e), c) for s, e, c in spans if min(len(text), e) > max(0, s)]
    cuts = sorted({0, len(text), *(s for s, _, _ in cleaned), *(e for _, e, _ in cleaned)})
    result = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = tuple(sorted({c for s, e, c in cleaned if s <= start and end <= e}))
        result.append(Segment(text[start:end], covering))
    return result
