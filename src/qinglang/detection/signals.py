"""What detection hands to the rest of the system. Format fixed by TAXONOMY.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES: tuple[str, ...] = (
    "illegal.national_security",
    "illegal.terrorism",
    "illegal.ethnic_hatred",
    "illegal.violence",
    "illegal.pornography",
    "illegal.false_information",
    "illegal.insult_slander",
    "illegal.privacy",
    "illegal.ip_infringement",
    "bad.clickbait",
    "bad.minor_harm",
    "platform.spam",
)

EVIDENCE_SOURCES = ("lexicon", "pii", "model", "claim_match")


@dataclass(frozen=True)
class Span:
    """Evidence for a category, located in the ORIGINAL text (Python string indices)."""

    category: str
    start: int
    end: int
    source: str
    # What matched: the lexicon term, the PII type, the claim ID... shown to reviewers.
    detail: str | None = None
    field: str = "text"  # "text" or "title"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "source": self.source,
        }
        if self.detail is not None:
            out["detail"] = self.detail
        if self.field != "text":
            out["field"] = self.field
        return out


@dataclass
class Signals:
    scores: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)
    model_versions: dict[str, str] = field(default_factory=dict)

    def to_json(self, item_id: Any) -> dict[str, Any]:
        return {
            "id": item_id,
            "scores": {category: round(score, 4) for category, score in self.scores.items()},
            "flags": list(self.flags),
            "evidence": [span.to_json() for span in self.evidence],
            "model_versions": dict(self.model_versions),
        }
