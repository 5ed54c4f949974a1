"""Applying a verdict: the only code that changes state because of a decision.

Automated verdicts (pre-publication review, post review, real-time inspection) and human ones
(review decisions, later complaint outcomes and appeals) all come through ``apply_verdict``,
so an item's whole life can be read from its decision records, state changes and evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from qinglang.authority import service as authority_service
from qinglang.content import fingerprints
from qinglang.content import service as content_service
from qinglang.content.models import VISIBLE_STATES, ContentItem, ContentState
from qinglang.db import insert_rows, reserve_ids, utcnow
from qinglang.evidence import service as evidence_service
from qinglang.identity.models import Account
from qinglang.notices import service as notices_service
from qinglang.policy import service as policy_service
from qinglang.policy.engine import RECOMMENDATION_MODES, Verdict
from qinglang.policy.facts import Facts
from qinglang.policy.models import Decision
from qinglang.review import service as review_service
from qinglang.review.models import ReviewCase
from qinglang.rules.service import CitedRule
from qinglang.settings import Settings
from qinglang.stream import outbox as stream_outbox

_TAKEN_DOWN = (ContentState.BLOCKED, ContentState.REMOVED)


@dataclass(frozen=True)
class Applied:
    decision: Decision
    state_before: str
    state_after: str
    case_id: int | None


def target_state(current: ContentState, action: str, *, human: bool) -> ContentState:
    """Where an item goes. Machines only ever tighten an item's state (a held item waits for its
    reviewer); a human decision sets it, which is also how a reversed removal restores an item."""
    if action == "block":
        return ContentState.BLOCKED if current == ContentState.PENDING else ContentState.REMOVED
    if human:
        return {"hold": ContentState.HELD, "limit": ContentState.LIMITED}.get(action, ContentState.PUBLISHED)
    if current in (*_TAKEN_DOWN, ContentState.HELD, ContentState.DELETED):
        return current
    if action == "hold":
        return ContentState.HELD
    if action == "limit":
        return ContentState.LIMITED
    return ContentState.PUBLISHED if current == ContentState.PENDING else current


def apply_verdict(
    session: Session,
    settings: Settings,
    item: ContentItem,
    verdict: Verdict,
    *,
    facts: Facts,
    stage: str,
    source: str,
    actor_id: int | None = None,
    reach: int = 0,
) -> Applied:
    human = actor_id is not None
    before = ContentState(item.state)
    after = target_state(before, verdict.action, human=human)
    decision = Decision(**_decision_values(item, verdict, facts, stage=stage, source=source, actor_id=actor_id))
    session.add(decision)

    if human:
        item.labels = sorted(verdict.labels)
        item.recommendation = verdict.recommendation
    else:
        _merge_machine_verdict(item, verdict)
    if after in _TAKEN_DOWN:
        item.recommendation = "prohibit"

    if after != before:
        primary = verdict.primary
        rule = (CitedRule(primary.cites, primary.cites_version or 0, "", primary.policy_rule, (primary.requirement,))
                if primary else None)
        content_service.transition(
            session, item, after, source=source, actor_id=actor_id,
            reason=primary.policy_rule if primary else None, rule=rule,
            details={"action": verdict.action, "policy_version": verdict.policy_version},
        )
        if after == ContentState.REMOVED and facts.copy_of_removed is None:
            # R14.2: copies of what was taken down after publication or by a reviewer are refused
            # from now on. Submissions blocked outright are caught again by whatever blocked
            # them; a copy is not added either: its original is in the bank, and restoring the
            # original must free its copies too.
            fingerprints.add(session, item.id, item.body)
        elif before in _TAKEN_DOWN:
            fingerprints.revoke(session, item.id)

    case_id = None
    if not human and (verdict.action == "hold" or (verdict.queue and after in VISIBLE_STATES)):
        case = review_service.open_case(session, settings, content_id=item.id, verdict=verdict, stage=stage,
                                        blocking=after == ContentState.HELD, reach=reach)
        case_id = case.id
    session.flush()
    record = evidence_service.record_many(session, [_evidence_entry(
        item, verdict, facts, before=before, after=after, stage=stage, source=source, decision_id=decision.id,
        case_id=case_id, actor_id=actor_id)])[0]
    if after in VISIBLE_STATES and before not in VISIBLE_STATES:
        stream_outbox.emit_many(session, [_published_message(item, decision.id)])
    elif after in _TAKEN_DOWN and before in VISIBLE_STATES:
        stream_outbox.emit(session, "content.removed", {"content_id": item.id, "kind": str(item.kind)},
                           key=f"content.removed:{item.id}:{decision.id}")
    if after != before and not (before == ContentState.PENDING and after == ContentState.PUBLISHED):
        _tell_author(session, item, verdict, before, after, decision.id)
    _announce_ruled_false(session, item, verdict, facts, stage, decision.id)
    if after in _TAKEN_DOWN:
        _report(session, item, verdict, evidence_ref=f"evidence:{record.seq}", human=human, actor_id=actor_id)
    _settle_credit(session, settings, item, verdict, before, after, decision.id, actor_id)
    return Applied(decision, str(before), str(after), case_id)


def bulk_target(verdict: Verdict, facts: Facts) -> ContentState | None:
    """The state a new item's verdict puts it in when ``apply_to_new`` may apply it in bulk:
    published, limited or held, with nothing following but a review case, a notice to the
    author and the ``content.published`` message. Nearly every submission is like this. Blocks
    (a credit deduction, perhaps a report) and items ruled false on a debunked claim (a
    correction) go through ``apply_verdict``; ``None`` says so."""
    after = target_state(ContentState.PENDING, verdict.action, human=False)
    if after in _TAKEN_DOWN or _ruled_false_claims(verdict, facts):
        return None
    return after


def apply_to_new(session: Session, settings: Settings, items: Sequence[ContentItem],
                 reviewed: Sequence[tuple[Verdict, Facts]], *, stage: str, source: str) -> None:
    """Store new items (drafts from the pre-publication gate) and apply their verdicts.

    The items ``bulk_target`` accepts get exactly what ``apply_verdict`` would write for them (the
    decision, the state change, the review case the verdict asks for, the notice, the evidence
    record, the ``content.published`` message), one multi-row statement per table for the whole
    batch; every other verdict goes through ``apply_verdict`` on its item as usual.
    """
    now = utcnow()
    targets = [bulk_target(verdict, facts) for verdict, facts in reviewed]
    bulk = [(item, after, verdict, facts) for item, after, (verdict, facts)
            in zip(items, targets, reviewed, strict=True) if after is not None]
    # As ``apply_verdict``: a held item waits for a reviewer; a visible one may be queued too.
    for_people = [(item, after, verdict) for item, after, verdict, _ in bulk
                  if verdict.action == "hold" or (verdict.queue and after in VISIBLE_STATES)]
    reserved = reserve_ids(session, {ContentItem.__table__: len(items), Decision.__table__: len(bulk),
                                     ReviewCase.__table__: len(for_people)})
    for item, after, (verdict, _) in zip(items, targets, reviewed, strict=True):
        item.state, item.labels, item.recommendation = ContentState.PENDING, [], "neutral"
        item.created_at = item.updated_at = now
        item.published_at = None
        if after is not None:
            _merge_machine_verdict(item, verdict)
            item.state = after
            item.published_at = now if after in VISIBLE_STATES else None
    content_service.store_new(session, items, reserved=reserved)
    changes = []
    for item, after, (verdict, _) in zip(items, targets, reviewed, strict=True):
        changes.append(content_service.change_values(item.id, None, ContentState.PENDING, source="submission",
                                                     actor_id=item.author_id, at=now))
        if after is not None:
            primary = verdict.primary
            changes.append(content_service.change_values(
                item.id, ContentState.PENDING, after, source=source, at=now,
                reason=primary.policy_rule if primary else None,
                rule=(primary.cites, primary.cites_version) if primary else None,
                details={"action": verdict.action, "policy_version": verdict.policy_version}))
    content_service.record_changes(session, changes)

    if bulk:
        decision_ids = insert_rows(session, Decision.__table__, [
            _decision_values(item, verdict, facts, stage=stage, source=source, actor_id=None, at=now)
            for item, _, verdict, facts in bulk], reserved=reserved)
        case_ids = dict(zip((item.id for item, _, _ in for_people), insert_rows(session, ReviewCase.__table__, [
            review_service.new_case_values(settings, content_id=item.id, verdict=verdict, stage=stage,
                                           blocking=after == ContentState.HELD, reach=0, now=now)
            for item, after, verdict in for_people], reserved=reserved), strict=True))
        notices_service.send_new(session, [
            _author_notice(item, verdict, ContentState.PENDING, after, decision_id)
            for (item, after, verdict, _), decision_id in zip(bulk, decision_ids, strict=True)
            if after != ContentState.PUBLISHED], at=now)
        stream_outbox.emit_many(session, [
            _published_message(item, decision_id)
            for (item, after, _, _), decision_id in zip(bulk, decision_ids, strict=True) if after in VISIBLE_STATES],
            fresh=True)
        # Last: appending locks the chain head until commit, and other batches wait for it.
        evidence_service.record_many(session, [
            _evidence_entry(item, verdict, facts, before=ContentState.PENDING, after=after, stage=stage,
                            source=source, decision_id=decision_id, case_id=case_ids.get(item.id), actor_id=None)
            for (item, after, verdict, facts), decision_id in zip(bulk, decision_ids, strict=True)],
            returning=False)
    for item, after, (verdict, facts) in zip(items, targets, reviewed, strict=True):
        if after is None:
            apply_verdict(session, settings, item, verdict, facts=facts, stage=stage, source=source)


def _decision_values(item: ContentItem, verdict: Verdict, facts: Facts, *, stage: str, source: str,
                     actor_id: int | None, at: dt.datetime | None = None) -> dict:
    return dict(
        content_id=item.id, stage=stage, source=source, actor_id=actor_id, action=verdict.action,
        policy_version=verdict.policy_version, facts=policy_service.facts_to_json(facts),
        verdict=verdict.to_json(), model_versions=dict(facts.signals.model_versions), at=at or utcnow(),
    )


def _merge_machine_verdict(item: ContentItem, verdict: Verdict) -> None:
    item.labels = sorted(set(item.labels) | set(verdict.labels))
    # A machine's "neutral" is no opinion: it must not undo a curator's encouragement (R6.1).
    floor = max(RECOMMENDATION_MODES.index(item.recommendation), RECOMMENDATION_MODES.index("neutral"))
    if RECOMMENDATION_MODES.index(verdict.recommendation) > floor:
        item.recommendation = verdict.recommendation


def _evidence_entry(item: ContentItem, verdict: Verdict, facts: Facts, *, before: ContentState,
                    after: ContentState, stage: str, source: str, decision_id: int, case_id: int | None,
                    actor_id: int | None) -> evidence_service.Entry:
    return evidence_service.Entry(
        tag=f"content:{item.kind}:{after if after != before else 'verdict'}",
        subject_type="content",
        subject_id=item.id,
        actor_id=actor_id,
        payload={
            "content": snapshot(item),
            "from": str(before),
            "to": str(after),
            "stage": stage,
            "source": source,
            "decision_id": decision_id,
            "case_id": case_id,
            "verdict": verdict.to_json(),
            "model_versions": dict(facts.signals.model_versions),
        },
    )


def _published_message(item: ContentItem, decision_id: int) -> tuple[str, dict, str]:
    return ("content.published", {
        "content_id": item.id, "kind": str(item.kind), "author_id": item.author_id,
        "parent_id": item.parent_id, "root_id": item.root_id,
    }, f"content.published:{item.id}:{decision_id}")


def _settle_credit(session: Session, settings: Settings, item: ContentItem, verdict: Verdict, before: ContentState,
                   after: ContentState, decision_id: int, actor_id: int | None) -> None:
    """R10.3: a takedown costs the author credit, linked to this decision and its rule; a
    reversal (an overturned appeal, a reviewer restoring the item) gives it back."""
    from qinglang.credit import service as credit_service

    if after in _TAKEN_DOWN and before not in _TAKEN_DOWN:
        primary = verdict.primary
        credit_service.deduct_for_decision(
            session, credit_service.policy_of(settings), account_id=item.author_id, content_id=item.id,
            decision_id=decision_id, categories=verdict.categories, severity=verdict.severity,
            rule_id=primary.cites if primary else None, rule_version=primary.cites_version if primary else None,
            actor_id=actor_id)
    elif before in _TAKEN_DOWN and after not in _TAKEN_DOWN:
        credit_service.reverse_for_content(
            session, credit_service.policy_of(settings), content_id=item.id, decision_id=decision_id,
            actor_id=actor_id, reason=f"the takedown of content {item.id} was reversed (decision {decision_id})")


def _announce_ruled_false(session: Session, item: ContentItem, verdict: Verdict, facts: Facts, stage: str,
                          decision_id: int) -> None:
    """An item the policy ruled false on a debunked claim: after commit, the ``corrections``
    consumer records the disposal and corrects everyone who was shown the item (R9.7)."""
    claims = _ruled_false_claims(verdict, facts)
    if claims:
        stream_outbox.emit(session, "content.ruled_false", {
            "content_id": item.id, "claims": claims, "action": verdict.action, "stage": stage,
        }, key=f"content.ruled_false:{item.id}:{decision_id}")


def _ruled_false_claims(verdict: Verdict, facts: Facts) -> list[dict]:
    if verdict.action not in ("label", "limit", "block") or "illegal.false_information" not in verdict.categories:
        return []
    return [{"claim_id": m.claim_id, "similarity": m.similarity} for m in facts.claim_matches
            if m.band == "high" and m.verdict in ("false", "misleading")]


_KIND_NAMES = {"post": "帖子", "reply": "回复", "message": "私信", "danmaku": "弹幕"}
_STATE_NAMES = {
    "published": "已发布", "limited": "被限制推荐", "held": "待人工审核", "blocked": "未予发布", "removed": "已被删除",
}


def _tell_author(session: Session, item: ContentItem, verdict: Verdict, before: ContentState,
                 after: ContentState, decision_id: int) -> None:
    notices_service.send(session, **_author_notice(item, verdict, before, after, decision_id))


def _author_notice(item: ContentItem, verdict: Verdict, before: ContentState, after: ContentState,
                   decision_id: int) -> dict:
    """The author is told what happened to their item and on which rule (R3.1, R13.5)."""
    primary = verdict.primary
    rule = f"{primary.cites}（第{primary.cites_version}版）" if primary and primary.cites_version else "平台规则"
    kind = _KIND_NAMES.get(str(item.kind), "内容")
    state = _STATE_NAMES.get(str(after), str(after))
    appeal = "如有异议，可在处置通知发出后申诉。" if after in (*_TAKEN_DOWN, ContentState.LIMITED) else ""
    return dict(
        account_id=item.author_id, kind="content_actioned",
        title=f"你的{kind}{state}",
        body=f"你的{kind}（编号 {item.id}）{state}，依据 {rule}。{appeal}",
        dedupe_key=f"content:{item.id}:decision:{decision_id}",
        data={"content_id": item.id, "from": str(before), "to": str(after), "decision_id": decision_id,
              "rule_id": primary.cites if primary else None,
              "rule_version": primary.cites_version if primary else None,
              "categories": list(verdict.categories)},
    )


# Prohibited categories a reviewer's removal is reported for (R14.4); automated verdicts report
# what the policy's rules say (``report: true``).
REPORTED_ON_REMOVAL = frozenset({
    "illegal.national_security", "illegal.terrorism", "illegal.ethnic_hatred", "illegal.violence",
    "illegal.pornography", "illegal.privacy",
})


def _report(session: Session, item: ContentItem, verdict: Verdict, *, evidence_ref: str, human: bool,
            actor_id: int | None) -> None:
    """File reports to the competent departments in the same transaction (R14.4, R4.1)."""
    if human:
        categories = [c for c in verdict.categories if c in REPORTED_ON_REMOVAL]
    else:
        categories = list(verdict.report_categories)
    if not categories:
        return
    author = session.get(Account, item.author_id)
    region = author.identity.region_code if author is not None and author.identity is not None else None
    primary = verdict.primary
    for category in categories:
        reason = next((r for r in verdict.reasons if r.category == category), primary)
        authority_service.file_report(
            session, content_id=item.id, category=category, severity=verdict.severity,
            rule_id=reason.cites if reason else "MR-14.1",
            rule_version=(reason.cites_version if reason and reason.cites_version else 1),
            summary=(reason.policy_rule if reason else "removed"), evidence_ref=evidence_ref,
            author_region_code=region, filed_by=actor_id,
        )


def snapshot(item: ContentItem) -> dict:
    """What the evidence keeps of an item: enough to show what was said, where and by whom."""
    return {
        "id": item.id, "kind": str(item.kind), "author_id": item.author_id, "title": item.title,
        "body": item.body, "parent_id": item.parent_id, "recipient_id": item.recipient_id,
        "video_id": item.video_id, "offset_ms": item.offset_ms, "labels": list(item.labels),
        "recommendation": item.recommendation,
        "created_at": item.created_at.isoformat() if item.created_at else None,
    }


def is_visible(item: ContentItem) -> bool:
    return item.state in VISIBLE_STATES
