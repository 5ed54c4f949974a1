"""Publishing policies, keeping the one in force compiled and at hand, and backtests."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.detection.signals import Signals, Span
from qinglang.errors import InvalidInput, NotFound
from qinglang.policy.compiler import PolicyInvalid, compile_policy
from qinglang.policy.engine import Policy, evaluate
from qinglang.policy.facts import ClaimMatch, Facts
from qinglang.policy.models import Decision, PolicyVersion
from qinglang.rules import service as rules_service

DEFAULT_POLICY = "default"


def shipped_policy_text() -> str:
    return (resources.files("qinglang.policy") / "default.yaml").read_text(encoding="utf-8")


def published_rule_versions(session: Session) -> dict[str, int]:
    return {rule.rule_id: document.version
            for document in rules_service.current_documents(session) for rule in document.rules}


def check(session: Session | None, text: str, *, version: str = "draft") -> Policy:
    """Compile against the rules currently published (or without that check if no session)."""
    cited = published_rule_versions(session) if session is not None else None
    return compile_policy(text, known_rules=cited, version=version, cited_versions=cited or {})


def invalid_input(error: PolicyInvalid) -> InvalidInput:
    return InvalidInput(
        f"the policy has {len(error.problems)} problem(s); nothing was published",
        code="invalid_policy",
        detail=[problem.to_json() for problem in error.problems],
    )


def publish(session: Session, text: str, *, summary: str | None = None,
            publisher_id: int | None = None) -> PolicyVersion:
    try:
        policy = check(session, text)
    except PolicyInvalid as error:
        raise invalid_input(error) from None
    latest = session.scalar(select(func.max(PolicyVersion.version)).where(PolicyVersion.name == policy.name))
    record = PolicyVersion(
        name=policy.name, version=(latest or 0) + 1, text=text,
        checksum=hashlib.sha256(text.encode()).hexdigest(), summary=summary, published_by=publisher_id,
    )
    session.add(record)
    session.flush()
    return record


def current_version(session: Session, name: str = DEFAULT_POLICY) -> PolicyVersion | None:
    return session.scalar(
        select(PolicyVersion).where(PolicyVersion.name == name).order_by(PolicyVersion.version.desc()).limit(1)
    )


def get_version(session: Session, version: int, name: str = DEFAULT_POLICY) -> PolicyVersion:
    record = session.scalar(select(PolicyVersion).where(PolicyVersion.name == name, PolicyVersion.version == version))
    if record is None:
        raise NotFound(f"policy {name} has no version {version}", code="policy_not_found")
    return record


def versions(session: Session, name: str = DEFAULT_POLICY) -> list[PolicyVersion]:
    return list(session.scalars(
        select(PolicyVersion).where(PolicyVersion.name == name).order_by(PolicyVersion.version.desc())))


def install_shipped_policy(session: Session) -> PolicyVersion | None:
    if current_version(session) is not None:
        return None
    return publish(session, shipped_policy_text(), summary="Shipped with qinglang.")


class PolicyHolder:
    """The compiled policy in force, shared by a process's requests and workers.

    It re-reads the newest version at most every ``ttl`` seconds (other processes may publish),
    and at once after this process publishes (``invalidate``).
    """

    def __init__(self, ttl: float = 2.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._policy: Policy | None = None
        self._checksum: str | None = None
        self._checked_at = -math.inf

    def invalidate(self) -> None:
        self._checked_at = -math.inf

    def get(self, session: Session) -> Policy:
        now = time.monotonic()
        if self._policy is not None and now - self._checked_at < self.ttl:
            return self._policy
        with self._lock:
            record = current_version(session)
            if record is None:
                raise NotFound("no policy is published; run 'qinglang migrate'", code="policy_not_found")
            if record.checksum != self._checksum or self._policy is None:
                # Published versions were valid when published; the rules they cite are
                # resolved to their versions in force now.
                self._policy = compile_policy(
                    record.text, version=f"{record.name}@{record.version}",
                    cited_versions=published_rule_versions(session),
                )
                self._checksum = record.checksum
            self._checked_at = now
            return self._policy


# ---- facts <-> JSON, so decisions can be stored and replayed -------------------------------

def facts_to_json(facts: Facts) -> dict:
    return {
        "signals": facts.signals.to_json(None) | {"id": None},
        "kind": facts.kind,
        "stage": facts.stage,
        "thresholds": {k: dict(v) for k, v in facts.thresholds.items()},
        "author_minor": facts.author_minor,
        "author_tier": facts.author_tier,
        "reach": facts.reach,
        "copy_of_removed": facts.copy_of_removed,
        "claim_matches": [m.__dict__ for m in facts.claim_matches],
    }


def facts_from_json(data: dict) -> Facts:
    raw = data["signals"]
    signals = Signals(
        scores=dict(raw.get("scores", {})),
        flags=list(raw.get("flags", [])),
        evidence=[Span(category=e["category"], start=e["start"], end=e["end"], source=e["source"],
                       detail=e.get("detail"), field=e.get("field", "text")) for e in raw.get("evidence", [])],
        model_versions=dict(raw.get("model_versions", {})),
    )
    return Facts(
        signals=signals, kind=data.get("kind", "post"), stage=data.get("stage", "pre_publication"),
        thresholds=data.get("thresholds", {}), author_minor=data.get("author_minor"),
        author_tier=data.get("author_tier", "standard"), reach=data.get("reach", 0),
        copy_of_removed=data.get("copy_of_removed"),
        claim_matches=tuple(ClaimMatch(**m) for m in data.get("claim_matches", [])),
    )


@dataclass
class BacktestReport:
    items: int
    changed: int
    seconds: float
    by_transition: Counter
    examples: list[dict]


def decided_items(session: Session) -> int:
    return session.scalar(select(func.count(Decision.id)).where(Decision.stage == "pre_publication")) or 0


def first_decisions(session: Session, batch: int = 5000) -> Iterator[Decision]:
    """The pre-publication decision of every item, streamed in batches."""
    last_id = 0
    while True:
        rows = list(session.scalars(
            select(Decision).where(Decision.id > last_id, Decision.stage == "pre_publication")
            .order_by(Decision.id).limit(batch)))
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def backtest(session: Session, draft: Policy, *, limit: int | None = None, examples: int = 20,
             progress: object = None) -> BacktestReport:
    """Replay the stored facts of every decided item under ``draft``; count what would change."""
    started = time.perf_counter()
    transitions: Counter = Counter()
    shown: list[dict] = []
    items = changed = 0
    for decision in first_decisions(session):
        verdict = evaluate(draft, facts_from_json(decision.facts))
        items += 1
        if verdict.action != decision.action:
            changed += 1
            transitions[f"{decision.action} -> {verdict.action}"] += 1
            if len(shown) < examples:
                shown.append({"content_id": decision.content_id, "current": decision.action,
                              "draft": verdict.action, "rules": [r.policy_rule for r in verdict.reasons]})
        if progress is not None:
            progress(items)  # type: ignore[operator]
        if limit is not None and items >= limit:
            break
    return BacktestReport(items, changed, time.perf_counter() - started, transitions, shown)
