"""The submission pipeline: the one path every post, reply, message and danmaku takes.

    submit ──► may the author use this service? ──► store (pending) ──► gate ──► apply state

Read this module first. Routes, the CLI and the demo call ``submit``; nothing else creates
content. The gate is the pluggable pre-publication review (R9.4): detection and policy plug in
here without touching the routes. Until they do, ``PublishGate`` publishes everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from qinglang.content import service as content_service
from qinglang.content.models import ContentItem, ContentKind, ContentState
from qinglang.errors import InvalidInput
from qinglang.identity import service as identity_service
from qinglang.identity.models import Account, AccountStatus, Feature
from qinglang.rules import service as rules_service
from qinglang.rules.service import CitedRule
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
class GateContext:
    """What the gate may consider besides the item: who wrote it, and for whom."""

    author: Account
    author_is_minor: bool | None
    settings: Settings


@dataclass
class GateOutcome:
    state: ContentState
    reason: str | None = None
    rule: CitedRule | None = None
    labels: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)


class Gate(Protocol):
    name: str

    def review(self, session: Session, item: ContentItem, context: GateContext) -> GateOutcome:
        """Return the pre-publication verdict for a pending item. Must not commit."""
        ...


class PublishGate:
    """Publishes everything: the gate in force until a review gate is installed."""

    name = "publish-all"

    def review(self, session: Session, item: ContentItem, context: GateContext) -> GateOutcome:
        return GateOutcome(state=ContentState.PUBLISHED)


def submit(session: Session, settings: Settings, gate: Gate, author: Account, draft: Draft) -> ContentItem:
    identity_service.ensure_can_use(author, _FEATURE_OF_KIND[draft.kind])
    rules_service.ensure_current_agreement_accepted(session, author.id)
    _check_lengths(settings, draft)
    item = content_service.create(
        session, kind=draft.kind, author_id=author.id, body=draft.body, title=draft.title,
        **_placement(session, author, draft),
    )
    context = GateContext(
        author=author,
        author_is_minor=identity_service.is_minor(author, settings),
        settings=settings,
    )
    outcome = gate.review(session, item, context)
    item.labels = sorted(set(item.labels) | set(outcome.labels))
    content_service.transition(
        session, item, outcome.state, source=f"gate:{gate.name}", reason=outcome.reason,
        rule=outcome.rule, details=outcome.details,
    )
    return item


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
