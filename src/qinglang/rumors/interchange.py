"""The debunk bank in the fact-checking world's formats: schema.org ``ClaimReview`` JSON-LD and
CSV, plus the zh-debunk-covid data set the demo loads (R9.7, R5.1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from qinglang.errors import InvalidInput
from qinglang.rumors.models import Claim
from qinglang.rumors.service import ClaimInput

CSV_FIELDS = ("external_id", "text", "verdict", "debunk", "sources", "publisher", "url", "language", "tags",
              "claim_date", "review_date")
# How fact-checkers word their ratings (ClaimReview alternateName, data set columns) → our verdicts.
_RATING_WORDS = {
    "false": "false", "fake": "false", "pants on fire": "false", "incorrect": "false", "谣言": "false",
    "假": "false", "虚假": "false", "伪科学": "false", "假新闻": "false", "伪常识": "false", "辟谣": "false",
    "misleading": "misleading", "partly false": "misleading", "mostly false": "misleading",
    "mixture": "misleading", "half true": "misleading", "missing context": "misleading", "有失实": "misleading",
    "误区": "misleading", "分情况": "misleading", "误导": "misleading",
    "unverified": "unverified", "unproven": "unverified", "uncertain": "unverified", "尚无定论": "unverified",
    "存在争议": "unverified", "待证实": "unverified",
    "true": "true", "correct": "true", "mostly true": "true", "事实": "true", "确实如此": "true",
    "确有此事": "true", "属实": "true",
}
_VERDICT_RATINGS = {"false": (1, "False"), "misleading": (2, "Misleading"), "unverified": (3, "Unverified"),
                    "true": (5, "True")}


def verdict_from_rating(rating: dict[str, Any] | None) -> str:
    rating = rating or {}
    name = str(rating.get("alternateName") or rating.get("name") or "").strip().lower()
    if name in _RATING_WORDS:
        return _RATING_WORDS[name]
    try:
        value, best, worst = (float(rating[k]) for k in ("ratingValue", "bestRating", "worstRating"))
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(f"cannot read a verdict from the rating {rating!r}", code="unknown_rating") from None
    share = (value - worst) / (best - worst) if best > worst else 0.0
    return "false" if share <= 0.2 else "misleading" if share <= 0.5 else "true" if share >= 0.8 else "unverified"


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidInput(f"not an ISO date: {value!r}", code="invalid_date") from None


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("name")
    return str(value) if value else None


def _reviews(document: Any) -> Iterator[dict[str, Any]]:
    """ClaimReview objects in a document: one, a list, an ``@graph`` or a schema.org DataFeed."""
    if isinstance(document, list):
        for element in document:
            yield from _reviews(element)
    elif isinstance(document, dict):
        if "@graph" in document:
            yield from _reviews(document["@graph"])
        elif "dataFeedElement" in document:
            yield from _reviews([e.get("item", e) for e in document["dataFeedElement"]])
        elif document.get("@type") == "ClaimReview":
            yield document


def from_claim_review(document: Any) -> list[ClaimInput]:
    result = []
    for review in _reviews(document):
        text = str(review.get("claimReviewed") or "").strip()
        if not text:
            raise InvalidInput("a ClaimReview without claimReviewed", code="invalid_claim_review")
        reviewed = review.get("itemReviewed") or {}
        appearances = reviewed.get("appearance") or []
        appearances = appearances if isinstance(appearances, list) else [appearances]
        sources = [a["url"] if isinstance(a, dict) else str(a) for a in appearances if a]
        keywords = review.get("keywords") or []
        result.append(ClaimInput(
            text=text, verdict=verdict_from_rating(review.get("reviewRating")),
            debunk=str(review.get("reviewBody") or review.get("description") or ""), sources=sources,
            publisher=_name(review.get("author")), url=review.get("url"),
            language=str(review.get("inLanguage") or "zh")[:8],
            tags=keywords.split(",") if isinstance(keywords, str) else list(keywords),
            claim_date=_date(reviewed.get("datePublished")), review_date=_date(review.get("datePublished")),
            external_id=review.get("url") or review.get("@id"),
        ))
    return result


def to_claim_review(claim: Claim, base_url: str = "") -> dict[str, Any]:
    value, name = _VERDICT_RATINGS[str(claim.verdict)]
    review: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "@id": claim.external_id or f"{base_url}/v1/debunks/{claim.id}",
        "url": claim.url or f"{base_url}/v1/debunks/{claim.id}",
        "claimReviewed": claim.text,
        "reviewBody": claim.debunk,
        "inLanguage": claim.language,
        "keywords": list(claim.tags),
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
                         "alternateName": name},
        "itemReviewed": {"@type": "Claim", "appearance": [{"@type": "CreativeWork", "url": u} for u in claim.sources]},
    }
    if claim.publisher:
        review["author"] = {"@type": "Organization", "name": claim.publisher}
    if claim.review_date:
        review["datePublished"] = claim.review_date.isoformat()
    if claim.claim_date:
        review["itemReviewed"]["datePublished"] = claim.claim_date.isoformat()
    return review


def data_feed(claims: Iterable[Claim], base_url: str = "") -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "DataFeed",
            "dataFeedElement": [to_claim_review(c, base_url) for c in claims]}


def from_csv(text: str) -> list[ClaimInput]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"text", "verdict"} - set(reader.fieldnames or ())
    if missing:
        raise InvalidInput(f"CSV needs the columns {', '.join(sorted(missing))}", code="invalid_csv",
                           detail={"columns": list(CSV_FIELDS)})
    result = []
    for line, row in enumerate(reader, start=2):
        verdict = (row.get("verdict") or "").strip().lower()
        verdict = _RATING_WORDS.get(verdict, verdict)
        try:
            result.append(ClaimInput(
                text=(row.get("text") or "").strip(), verdict=verdict, debunk=row.get("debunk") or "",
                sources=[s for s in (row.get("sources") or "").split("|") if s],
                publisher=row.get("publisher") or None, url=row.get("url") or None,
                language=row.get("language") or "zh", tags=[t for t in (row.get("tags") or "").split("|") if t],
                claim_date=_date(row.get("claim_date")), review_date=_date(row.get("review_date")),
                external_id=row.get("external_id") or None,
            ))
        except InvalidInput as error:
            raise InvalidInput(f"line {line}: {error.message}", code=error.code) from None
    return result


def to_csv(claims: Iterable[Claim]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for c in claims:
        writer.writerow({
            "external_id": c.external_id or "", "text": c.text, "verdict": str(c.verdict), "debunk": c.debunk,
            "sources": "|".join(c.sources), "publisher": c.publisher or "", "url": c.url or "",
            "language": c.language, "tags": "|".join(c.tags),
            "claim_date": c.claim_date.isoformat() if c.claim_date else "",
            "review_date": c.review_date.isoformat() if c.review_date else "",
        })
    return out.getvalue()


_DATASET_LABELS = {"false": "false", "uncertain": "unverified", "true": "true", "debunk_headline": "false"}


def from_debunk_dataset(path: Path) -> list[ClaimInput]:
    """Rows of ``zh-debunk-covid/data.jsonl`` (read in place, never copied into the project)."""
    result = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            raw = str(row.get("verdict_raw") or "").strip().lower()
            verdict = _RATING_WORDS.get(raw) or _DATASET_LABELS.get(str(row.get("label")), "unverified")
            text = str(row.get("text") or "").strip().rstrip("？?")
            result.append(ClaimInput(
                text=text, verdict=verdict, debunk=str(row.get("explanation") or ""),
                sources=[row["url"]] if row.get("url") else [],
                publisher=row.get("outlet") or row.get("source"), url=row.get("url"), language="zh",
                tags=list(row.get("tags") or []), review_date=_lenient_date(row.get("date")),
                external_id=f"zh-debunk-covid:{row['id']}",
            ))
    return result


def _lenient_date(value: Any) -> dt.date | None:
    try:
        return _date(value)
    except InvalidInput:
        return None
