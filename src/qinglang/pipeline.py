"""The submission pipeline: the one path every post, reply, message and danmaku takes.

    submit_many ──► may each author use this service? (identity, agreement, credit tier)
                ──► the gate judges the drafts: detect + context → facts → policy (pure) → verdict
                ──► apply: store items with their verdicts (state, case, fingerprints, decision
                    record, evidence, outbox) ──► the caller's transaction commits

Read this module first. The API's intake (``qinglang.intake``) calls ``submit_many`` for a batch
of requests; the CLI, the demo and the web console call ``submit`` (a batch of one); nothing
else creates content. The gate (``qinglang.gate``) is the pluggable pre-publication review
(R9.4), and the same gate serves post review (R9.5) and real-time inspection (R9.6). Below the
submission path: the later life of an item (reviewers' decisions, reports, curation).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from qinglang import apply
from qinglang.content import service as content_service
from qinglang.content.models import ContentItem, ContentKind
from qinglang.db import utcnow
from qinglang.detection.signals import Signals
from qinglang.errors import InvalidInput, QinglangError
from qinglang.gate import Gate, GateContext, PolicyGate, PublishGate, operating_points  # noqa: F401 - the pipeline's API
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account, AccountStatus, Feature
from qinglang.policy.engine import Verdict
from qinglang.policy.facts import Facts
from qinglang.rules import service as rules_service
from qinglang.settings import Settings

_FEATURE_OF_KIND = {
    ContentKind.POST: Feature.POST,
    ContentKind.REPLY: Feature.REPLY,
    ContentKind.MESSAGE: Feature.MESSAGE,
    ContentKind.DANMAKU: Feature.DANMAKU,
}


@dataclass(frozen=True)
class Draft:
    kind: ContentKind
    body: str
    title: str | None = None
    parent_id: int | None = None
    recipient_handle: str | None = None
    video_id: str | None = None
    offset_ms: int | None = None


@dataclass(frozen=True)
class Submission:
    author: Account
    draft: Draft


def submit(session: Session, settings: Settings, gate: Gate, author: Account, draft: Draft) -> ContentItem:
    outcome = submit_many(session, settings, gate, [Submission(author, draft)])[0]
    if isinstance(outcome, QinglangError):
        raise outcome
    return outcome


def submit_many(session: Session, settings: Settings, gate: Gate,
                submissions: Sequence[Submission]) -> list[ContentItem | QinglangError]:
    """Each submission's stored item, or the error that refused it (nothing of it is written).

    Refusals are per submission and leave the others alone. The checks read what they need for
    the whole batch at once, the gate judges the drafts before anything is stored, and
    ``apply.apply_to_new`` writes items and verdicts together: a batch costs a few statements,
    not a few per item (``qinglang.intake`` commits many requests this way).
    """
    from qinglang.credit import service as credit_service

    now = utcnow()
    credit_policy = credit_service.policy_of(settings)
    authors = {submission.author.id: submission.author.created_at for submission in submissions}
    agreement_version, not_accepted = rules_service.agreement_status(session, authors)
    standings = credit_service.standings(session, credit_policy, authors, now, created_at=authors)
    outcomes: list[ContentItem | QinglangError | None] = [None] * len(submissions)
    accepted: list[tuple[int, ContentItem, GateContext]] = []
    per_author_kind: Counter[tuple[int, str]] = Counter()
    for position, (author, draft) in enumerate((s.author, s.draft) for s in submissions):
        standing = standings[author.id]
        try:
            identity_service.ensure_can_use(author, _FEATURE_OF_KIND[draft.kind], now)
            if author.id in not_accepted:
                raise rules_service.agreement_required(agreement_version)
            _check_lengths(settings, draft)
            # R10.3: the credit tier may mute or rate-limit the author, and the policy reads it.
            credit_service.check_standing(session, standing, str(draft.kind), now,
                                          queued=per_author_kind[(author.id, str(draft.kind))])
            placement = _placement(session, author, draft)
        except QinglangError as refusal:
            outcomes[position] = refusal
            continue
        per_author_kind[(author.id, str(draft.kind))] += 1
        item = content_service.draft(kind=draft.kind, author_id=author.id, body=draft.body, title=draft.title,
                                     **placement)
        context = GateContext(author_is_minor=identity_service.is_minor(author, settings),
                              author_tier=standing.tier.name, with_models=not settings.defer_models)
        accepted.append((position, item, context))
    if accepted:
        items = [item for _, item, _ in accepted]
        reviewed = gate.review_many(session, items, [context for _, _, context in accepted])
        apply.apply_to_new(session, settings, items, reviewed, stage="pre_publication", source=f"gate:{gate.name}")
        for position, item, _ in accepted:
            outcomes[position] = item
    return outcomes  # type: ignore[return-value]


def _check_lengths(settings: Settings, draft: Draft) -> None:
    limit = settings.max_danmaku_chars if draft.kind == ContentKind.DANMAKU else settings.max_text_chars
    if len(draft.body) > limit:
        raise InvalidInput(f"text is longer than {limit} characters", code="text_too_long",
                           detail={"limit": limit, "length": len(draft.body)})
    if draft.title is not None and len(draft.title) > settings.max_title_chars:
        raise InvalidInput(f"title is longer than {settings.max_title_chars} characters",
                           code="title_too_long", detail={"limit": settings.max_title_chars})


def _placement(session: Session, author: Account, draft: Draft) -> dict:
    """Where the item goes: under a post or reply, to a recipient, or on a video timeline."""
    if draft.kind == ContentKind.REPLY:
        if draft.parent_id is None:
            raise InvalidInput("a reply needs a parent item", code="parent_required")
        parent = content_service.get_visible(session, draft.parent_id, author.id)
        if parent.kind not in (ContentKind.POST, ContentKind.REPLY):
            raise InvalidInput("replies go under posts or replies", code="invalid_parent")
        return {"parent_id": parent.id, "root_id": parent.root_id or parent.id}
    if draft.kind == ContentKind.MESSAGE:
        recipient = identity_service.by_handle(session, draft.recipient_handle or "")
        if recipient.id == author.id:
            raise InvalidInput("you cannot message yourself", code="invalid_recipient")
        if recipient.identity_id is None or recipient.status != AccountStatus.ACTIVE:
            raise InvalidInput(
                "private messages go only to active accounts with verified identity (R10.2)",
                code="recipient_unavailable",
            )
        return {"recipient_id": recipient.id}
    if draft.kind == ContentKind.DANMAKU:
        return {"video_id": draft.video_id, "offset_ms": draft.offset_ms}
    return {}


# ---- the later life of an item: human decisions --------------------------------------------

_HUMAN_RECOMMENDATION = {"allow": "neutral", "label": "resist", "limit": "resist", "block": "prohibit"}


def human_verdict(action: str, labels: list[str], rule: rules_service.CitedRule, reviewer_id: int,
                  categories: tuple[str, ...], severity: str) -> Verdict:
    """A reviewer's decision as a verdict, so it is applied and recorded like any other."""
    from qinglang.policy.engine import Reason

    reasons = tuple(
        Reason(
            policy_rule=f"reviewer:{reviewer_id}", action=action, category=category, cites=rule.rule_id,
            cites_version=rule.version, requirement=rule.requirements[0] if rule.requirements else "R11.1",
            severity=severity, score=None, evidence=(),
        )
        for category in (categories or (None,))
    )
    return Verdict(action=action, policy_version="human", labels=tuple(sorted(labels)),
                   recommendation=_HUMAN_RECOMMENDATION[action], severity=severity, reasons=reasons)


def claim_case(session: Session, settings: Settings, case_id: int, reviewer: Account) -> object:
    """A reviewer claims a case; an appeal cannot be claimed by those behind the decision
    appealed (they could not decide it anyway)."""
    from qinglang.complaints import appeals
    from qinglang.review import service as review_service

    appeals.check_reviewer(session, review_service.get(session, case_id), reviewer)
    return review_service.claim(session, settings, case_id, reviewer)


def decide_case(session: Session, settings: Settings, case_id: int, reviewer: Account, *, decision: str,
                rule_id: str, labels: list[str], note: str | None) -> tuple[object, bool]:
    """A reviewer decides a case (R11.1). When the case is final its verdict is applied at once:
    a removal takes the item off every read path in this same transaction (R14.1)."""
    from qinglang.review import service as review_service

    rule = rules_service.resolve_rule(session, rule_id)
    case = review_service.get(session, case_id)
    from qinglang.complaints import appeals

    appeals.check_reviewer(session, case, reviewer)
    stored, final = review_service.record_decision(
        session, case, reviewer, action=decision, labels=labels, rule_id=rule.rule_id,
        rule_version=rule.version, note=note,
    )
    from qinglang.evidence import service as evidence_service

    evidence_service.record(
        session, tag="review:decided", subject_type="content", subject_id=case.content_id, actor_id=reviewer.id,
        payload={"case_id": case.id, "decision": decision, "rule_id": rule.rule_id, "rule_version": rule.version,
                 "labels": labels, "note": note, "final": final, "case_status": str(case.status)},
    )
    if final:
        action = review_service.DECISIONS[decision]
        verdict = human_verdict(action, labels, rule, reviewer.id, tuple(case.categories), case.severity)
        item = content_service.get(session, case.content_id)
        applied = apply.apply_verdict(session, settings, item, verdict, stage="review", source="review",
                                      actor_id=reviewer.id,
                                      facts=Facts(signals=Signals(), kind=str(item.kind), stage="review"))
        _close_complaints(session, settings, case, reviewer, decision=decision, rule_id=rule.rule_id,
                          decision_id=applied.decision.id, note=note)
    return stored, final


def _close_complaints(session: Session, settings: Settings, case: object, reviewer: Account, *, decision: str,
                      rule_id: str, decision_id: int, note: str | None) -> None:
    """A decided case answers the reports behind it (R13.5) and the appeal it may be."""
    from qinglang.complaints import appeals
    from qinglang.complaints import service as complaints_service

    tickets = complaints_service.open_tickets_of_case(session, case.id)  # type: ignore[attr-defined]
    complaints_service.dispose(session, settings, tickets, decision=decision, decision_id=decision_id,
                               rule_id=rule_id)
    appeals.on_case_decided(session, case, decision=decision, reviewer=reviewer, note=note)  # type: ignore[arg-type]


def report(session: Session, settings: Settings, gate: Gate, reporter: Account, *, content_id: int | None,
           account_id: int | None, category: str, note: str | None, evidence_links: list[str]) -> object:
    """A user reports an item or account (R13.1). The ticket is accepted at once (R13.4); a
    reported item gets post review (R9.5): the first report runs it through the gate at the
    ``complaint`` stage (which may tighten it like any automated verdict), and every report joins
    one non-blocking case for a human. The reports themselves never take anything down."""
    from qinglang.complaints import service as complaints_service
    from qinglang.review import inspection

    target = complaints_service.resolve_target(session, reporter, content_id=content_id, account_id=account_id)
    ticket = complaints_service.receive(session, settings, reporter, target, category=category, note=note,
                                        evidence_links=evidence_links)
    item = target.content
    if item is None:
        return ticket
    reach = inspection.reach_of(session, item.id)
    if not complaints_service.has_pending_case(session, item.id):
        author = identity_service.get(session, item.author_id)
        context = GateContext(author_is_minor=identity_service.is_minor(author, settings), stage="complaint",
                              reach=reach)
        verdict, facts = gate.review(session, item, context)
        if verdict.action != "allow":
            apply.apply_verdict(session, settings, item, verdict, facts=facts, stage="complaint",
                                source=f"complaint:{ticket.id}", reach=reach)
    complaints_service.route_to_review(session, settings, ticket, reach=reach)
    return ticket


# ---- curation: encouraging positive content (R6.1) ---------------------------------------------

def set_recommendation(session: Session, settings: Settings, item_id: int, staff: Account, *, mode: str,
                       rule_id: str, note: str | None) -> ContentItem:
    """Staff mark an item as encouraged (boosted on every surface) or back to neutral.

    A curation decision is a verdict like any other, so it is recorded and applied by ``apply``;
    it keeps the item's state and labels, and it cannot lift what the policy resisted."""
    from qinglang.errors import Conflict
    from qinglang.policy.engine import Reason

    rule = rules_service.resolve_rule(session, rule_id)
    item = content_service.get(session, item_id)
    if item.state != "published" or item.recommendation in ("resist", "prohibit"):
        raise Conflict(f"item {item_id} is {item.state} / {item.recommendation}: it cannot be encouraged",
                       code="governance_conflict")
    reason = Reason(policy_rule=f"curator:{staff.id}", action="allow", category=None, cites=rule.rule_id,
                    cites_version=rule.version, requirement="R6.1", severity="low", score=None, evidence=())
    verdict = Verdict(action="allow", policy_version="human", labels=tuple(sorted(item.labels)),
                      recommendation=mode, reasons=(reason,))
    apply.apply_verdict(session, settings, item, verdict, stage="curation", source=f"curation:{mode}",
                        actor_id=staff.id, facts=Facts(signals=Signals(), kind=str(item.kind), stage="curation"))
    if note:
        from qinglang.evidence import service as evidence_service

        evidence_service.record(session, tag="content:curation:note", subject_type="content", subject_id=item.id,
                                actor_id=staff.id, payload={"mode": mode, "note": note})
    return item
