"""The credit ledger (R10.3): appending events, deriving the score and tier, service levels.

Services flush, never commit. Every write locks the account row first (check-then-act on a
ledger: two takedowns at once must both count, a reversal must happen once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from qinglang.content.models import VISIBLE_STATES, ContentItem
from qinglang.credit.ledger import Entry, Folded, fold, week_of, week_start
from qinglang.credit.models import CreditCheckpoint, CreditEvent
from qinglang.credit.tiers import CreditPolicy, Tier, load
from qinglang.db import utcnow
from qinglang.errors import Forbidden, InvalidInput, QinglangError
from qinglang.evidence import service as evidence_service
from qinglang.identity.models import Account
from qinglang.settings import Settings

MAX_PAGE = 200


class RateLimited(QinglangError):
    status_code = 429
    code = "rate_limited"


def policy_of(settings: Settings) -> CreditPolicy:
    return load(settings.credit_policy_path or None)


@dataclass(frozen=True)
class Standing:
    account_id: int
    score: int
    recovered: int
    tier: Tier


def standing(session: Session, policy: CreditPolicy, account_id: int, now: dt.datetime | None = None) -> Standing:
    """The score now: the checkpoint (if any) plus the events and publishing weeks after it."""
    return standings(session, policy, [account_id], now)[account_id]


# Built once: every batch of submissions runs them.
_CHECKPOINTS = select(CreditCheckpoint).where(CreditCheckpoint.account_id.in_(bindparam("ids", expanding=True)))
_EVENTS_AFTER = (
    select(CreditEvent.account_id, CreditEvent.id, CreditEvent.at, CreditEvent.points, CreditEvent.kind)
    .where(CreditEvent.account_id.in_(bindparam("ids", expanding=True)), CreditEvent.id > bindparam("after"))
    .order_by(CreditEvent.id)
)


def standings(session: Session, policy: CreditPolicy, account_ids: Iterable[int],
              now: dt.datetime | None = None, *,
              created_at: Mapping[int, dt.datetime] | None = None) -> dict[int, Standing]:
    """``standing`` for many accounts in two queries (a batch of submissions checks them all);
    ``created_at``, the accounts' creation times where the caller holds them, spares a third."""
    now = now or utcnow()
    current = week_of(now)
    ids = sorted(set(account_ids))
    checkpoints = {c.account_id: c for c in session.scalars(_CHECKPOINTS, {"ids": ids})}
    created = dict(created_at or {})
    without = [account_id for account_id in ids if account_id not in checkpoints and account_id not in created]
    if without:
        created.update(session.execute(select(Account.id, Account.created_at).where(Account.id.in_(without))).all())
    starts = {account_id: _start(policy, checkpoints.get(account_id), created.get(account_id) or now)
              for account_id in ids}
    entries: dict[int, list[Entry]] = {account_id: [] for account_id in ids}
    if ids:
        # Every append refreshes its account's checkpoint, so this is almost always empty; one
        # bound for all keeps the statement the same whatever the batch.
        rows = session.execute(_EVENTS_AFTER, {"ids": ids, "after": min(start[2] for start in starts.values())})
        for account_id, event_id, at, points, kind in rows:
            if event_id > starts[account_id][2]:
                entries[account_id].append(Entry(event_id, week_of(at), points, kind))
    result = {}
    for account_id in ids:
        base, from_week, _ = starts[account_id]
        own = entries[account_id]
        # Recovery only repairs: with nothing lost, the publishing weeks cannot change the score.
        needs_weeks = base.score < policy.start or any(entry.points < 0 for entry in own)
        weeks = _active_weeks(session, account_id, from_week, current) if needs_weeks else set()
        folded = fold(policy, base, from_week, own, weeks, current)
        result[account_id] = Standing(account_id, folded.score, folded.recovered, policy.tier_for(folded.score))
    return result


def _base(session: Session, policy: CreditPolicy, account_id: int, checkpoint: CreditCheckpoint | None,
          now: dt.datetime) -> tuple[Folded, int, int]:
    created = None if checkpoint else session.scalar(select(Account.created_at).where(Account.id == account_id))
    return _start(policy, checkpoint, created or now)


def _start(policy: CreditPolicy, checkpoint: CreditCheckpoint | None, created: dt.datetime) -> tuple[Folded, int, int]:
    """Where folding starts: the checkpoint, or the start score in the account's first week."""
    if checkpoint is not None:
        folded = Folded(checkpoint.score, checkpoint.recovered, checkpoint.week_violated)
        return folded, checkpoint.week, checkpoint.last_event_id
    return Folded(policy.start, 0), week_of(created), 0


def _entries(session: Session, account_id: int, *, after_id: int = 0, through_id: int | None = None) -> list[Entry]:
    statement = select(CreditEvent.id, CreditEvent.at, CreditEvent.points, CreditEvent.kind).where(
        CreditEvent.account_id == account_id, CreditEvent.id > after_id)
    if through_id is not None:
        statement = statement.where(CreditEvent.id <= through_id)
    return [Entry(id, week_of(at), points, kind) for id, at, points, kind in session.execute(statement)]


def _active_weeks(session: Session, account_id: int, from_week: int, current_week: int) -> set[int]:
    """Weeks (from ``from_week``, before ``current_week``) in which the account published."""
    if from_week >= current_week:
        return set()
    created = session.scalars(
        select(ContentItem.created_at).where(
            ContentItem.author_id == account_id, ContentItem.state.in_(VISIBLE_STATES),
            ContentItem.created_at >= week_start(from_week), ContentItem.created_at < week_start(current_week),
        )
    )
    return {week_of(at) for at in created}


def refresh_checkpoint(session: Session, policy: CreditPolicy, account_id: int,
                       now: dt.datetime | None = None) -> CreditCheckpoint:
    """Fold every event so far (and the recovery of every week that is over) into the checkpoint,
    so that a read adds nothing or almost nothing. Runs under the account's lock: an event
    appended meanwhile waits, and gets a higher ID than ``last_event_id``."""
    now = now or utcnow()
    _lock(session, account_id)
    checkpoint = session.get(CreditCheckpoint, account_id)
    base, from_week, after = _base(session, policy, account_id, checkpoint, now)
    current = week_of(now)
    entries = _entries(session, account_id, after_id=after)
    folded = fold(policy, base, from_week, entries, _active_weeks(session, account_id, from_week, current), current)
    through = max([after, *(entry.id for entry in entries)])
    if checkpoint is None:
        checkpoint = CreditCheckpoint(account_id=account_id)
        session.add(checkpoint)
    checkpoint.week, checkpoint.last_event_id, checkpoint.at = current, through, now
    checkpoint.score, checkpoint.recovered, checkpoint.week_violated = (
        folded.score, folded.recovered, folded.week_violated)
    session.flush()
    return checkpoint


def _lock(session: Session, account_id: int) -> None:
    session.execute(select(Account.id).where(Account.id == account_id).with_for_update())


def _append(session: Session, policy: CreditPolicy, event: CreditEvent) -> CreditEvent:
    _lock(session, event.account_id)
    if event.dedupe_key and session.scalar(select(CreditEvent.id).where(CreditEvent.dedupe_key == event.dedupe_key)):
        return session.scalar(select(CreditEvent).where(CreditEvent.dedupe_key == event.dedupe_key))  # type: ignore[return-value]
    session.add(event)
    session.flush()
    refresh_checkpoint(session, policy, event.account_id)
    return event


def deduct_for_decision(session: Session, policy: CreditPolicy, *, account_id: int, content_id: int,
                        decision_id: int, categories: tuple[str, ...] | list[str], severity: str,
                        rule_id: str | None, rule_version: int | None, actor_id: int | None) -> CreditEvent | None:
    """A takedown's cost, linked to the decision that caused it and citing its rule (R10.3).

    One deduction per item: an item removed, restored and removed again costs again only after
    the first deduction was reversed."""
    points, category = policy.deduction(categories, severity)
    if not points:
        return None
    reversal = aliased(CreditEvent)
    standing_deduction = session.scalar(
        select(CreditEvent.id).outerjoin(reversal, reversal.reverses_id == CreditEvent.id).where(
            CreditEvent.content_id == content_id, CreditEvent.kind == "deduction", reversal.id.is_(None)))
    if standing_deduction is not None:
        return None
    return _append(session, policy, CreditEvent(
        account_id=account_id, kind="deduction", points=-points, content_id=content_id, decision_id=decision_id,
        category=category, rule_id=rule_id, rule_version=rule_version, actor_id=actor_id,
        reason=f"content {content_id} taken down for {category} ({severity})",
        dedupe_key=f"deduction:{decision_id}",
    ))


def reverse_for_content(session: Session, policy: CreditPolicy, *, content_id: int, decision_id: int,
                        actor_id: int | None, reason: str) -> list[CreditEvent]:
    """Give back every standing deduction on an item whose takedown was reversed."""
    reversal = aliased(CreditEvent)
    standing_deductions = list(session.scalars(
        select(CreditEvent).outerjoin(reversal, reversal.reverses_id == CreditEvent.id).where(
            CreditEvent.content_id == content_id, CreditEvent.kind == "deduction", reversal.id.is_(None))))
    return [
        _append(session, policy, CreditEvent(
            account_id=deduction.account_id, kind="reversal", points=-deduction.points, content_id=content_id,
            decision_id=decision_id, category=deduction.category, rule_id=deduction.rule_id,
            rule_version=deduction.rule_version, reverses_id=deduction.id, actor_id=actor_id,
            reason=reason, dedupe_key=f"reversal:{deduction.id}",
        ))
        for deduction in standing_deductions
    ]


def report_bonus(session: Session, policy: CreditPolicy, *, account_id: int, ticket_id: int,
                 decision_id: int | None, now: dt.datetime | None = None) -> CreditEvent | None:
    """An upheld report adds a little, a capped number of times per 30 days."""
    now = now or utcnow()
    if not policy.upheld_report_bonus:
        return None
    recent = session.scalar(select(func.count(CreditEvent.id)).where(
        CreditEvent.account_id == account_id, CreditEvent.kind == "report_bonus",
        CreditEvent.at >= now - dt.timedelta(days=30))) or 0
    if recent >= policy.upheld_report_bonus_per_30_days:
        return None
    return _append(session, policy, CreditEvent(
        account_id=account_id, kind="report_bonus", points=policy.upheld_report_bonus, decision_id=decision_id,
        reason=f"report {ticket_id} was upheld", rule_id="CONV-4", dedupe_key=f"report_bonus:{ticket_id}"))


def malicious_reports(session: Session, policy: CreditPolicy, *, account_id: int, decision_id: int | None,
                      not_upheld: int, now: dt.datetime | None = None) -> CreditEvent | None:
    """Repeated reports that reviewers found groundless (R15.2): one penalty per 30-day window."""
    now = now or utcnow()
    if not policy.malicious_report_penalty:
        return None
    window = (now - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).days // 30
    return _append(session, policy, CreditEvent(
        account_id=account_id, kind="malicious_reports", points=-policy.malicious_report_penalty,
        decision_id=decision_id, rule_id="RM-4",
        reason=f"{not_upheld} recent reports were not upheld: repeated malicious reporting",
        dedupe_key=f"malicious_reports:{account_id}:{window}"))


def adjust(session: Session, policy: CreditPolicy, *, account_id: int, points: int, reason: str,
           actor_id: int) -> CreditEvent:
    """A staff adjustment with its reason, recorded in the ledger and the evidence log."""
    if points == 0:
        raise InvalidInput("an adjustment changes the score", code="empty_adjustment")
    if actor_id == account_id:
        raise Forbidden("staff cannot adjust their own credit", code="own_credit")
    event = _append(session, policy, CreditEvent(account_id=account_id, kind="adjustment", points=points,
                                                 reason=reason, actor_id=actor_id, rule_id="MR-10.3"))
    evidence_service.record(session, tag="credit:adjusted", subject_type="account", subject_id=account_id,
                            actor_id=actor_id, payload={"event_id": event.id, "points": points, "reason": reason})
    return event


def history(session: Session, account_id: int, *, before: int | None = None, limit: int = 50) -> list[CreditEvent]:
    statement = select(CreditEvent).where(CreditEvent.account_id == account_id)
    if before:
        statement = statement.where(CreditEvent.id < before)
    return list(session.scalars(statement.order_by(CreditEvent.id.desc()).limit(min(limit, MAX_PAGE))))


def check_standing(session: Session, current: Standing, kind: str, now: dt.datetime, *,
                   queued: int = 0) -> None:
    """Refuse what the author's tier does not allow now: muted, or over a rate limit (R10.3).
    ``queued``: the author's items of this kind accepted earlier in the same batch of
    submissions, which count against the limit too."""
    tier = current.tier
    if tier.muted:
        raise Forbidden(f"credit score {current.score}: the {tier.name} tier may not publish",
                        code="credit_muted", detail={"score": current.score, "tier": tier.name})
    limit = tier.rate_limits.get(kind)
    if limit is None:
        return
    since = now - dt.timedelta(minutes=limit.minutes)
    stored = list(session.scalars(
        select(ContentItem.created_at).where(ContentItem.author_id == current.account_id, ContentItem.kind == kind,
                                             ContentItem.created_at >= since)
        .order_by(ContentItem.created_at.desc()).limit(limit.count)))
    counted = ([now] * queued + stored)[:limit.count]
    if len(counted) >= limit.count:
        # The oldest of the counted items leaves the window first.
        retry = max(1, int((counted[-1] + dt.timedelta(minutes=limit.minutes) - now).total_seconds()) + 1)
        raise RateLimited(
            f"the {tier.name} tier allows {limit.count} {kind} items per {limit.minutes} minutes",
            detail={"retry_after_seconds": retry, "tier": tier.name, "limit": limit.count,
                    "minutes": limit.minutes})
