"""Publishing document versions, resolving cited rules and recording agreement acceptance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from qinglang.errors import Forbidden, InvalidInput, NotFound
from qinglang.rules.markdown import DocumentProblem, document_title, parse_rules
from qinglang.rules.models import AgreementAcceptance, DocumentSlug, Rule, RuleDocument


@dataclass(frozen=True)
class CitedRule:
    """What a decision stores to cite a rule (R3.1): the ID and the version it was read in."""

    rule_id: str
    version: int
    document: str
    title: str
    requirements: tuple[str, ...]


def publish(
    session: Session,
    slug: DocumentSlug,
    body_md: str,
    *,
    summary: str | None = None,
    publisher_id: int | None = None,
) -> RuleDocument:
    rules, problems = parse_rules(body_md)
    title = document_title(body_md)
    if title is None:
        problems.insert(0, DocumentProblem(1, "the document needs a '# Title' line"))
    if problems:
        raise InvalidInput(
            "the document has problems; nothing was published",
            code="invalid_document",
            detail=[{"line": p.line, "message": p.message} for p in problems],
        )
    latest = session.scalar(select(func.max(RuleDocument.version)).where(RuleDocument.slug == slug))
    document = RuleDocument(
        slug=slug,
        version=(latest or 0) + 1,
        title=title,
        body_md=body_md,
        summary=summary,
        published_by=publisher_id,
    )
    session.add(document)
    session.flush()
    for position, rule in enumerate(rules):
        session.add(
            Rule(
                document_id=document.id,
                rule_id=rule.rule_id,
                position=position,
                title=rule.title,
                text=rule.text,
                requirements=rule.requirements,
                categories=rule.categories,
            )
        )
    session.flush()
    session.refresh(document, ["rules"])
    return document


def current(session: Session, slug: DocumentSlug) -> RuleDocument:
    document = session.scalar(
        select(RuleDocument)
        .where(RuleDocument.slug == slug)
        .order_by(RuleDocument.version.desc())
        .limit(1)
    )
    if document is None:
        raise NotFound(f"no version of {slug} has been published", code="document_not_found")
    return document


def version(session: Session, slug: DocumentSlug, number: int) -> RuleDocument:
    document = session.scalar(
        select(RuleDocument).where(RuleDocument.slug == slug, RuleDocument.version == number)
    )
    if document is None:
        raise NotFound(f"{slug} has no version {number}", code="document_not_found")
    return document


def versions(session: Session, slug: DocumentSlug) -> list[RuleDocument]:
    return list(
        session.scalars(
            select(RuleDocument).where(RuleDocument.slug == slug).order_by(RuleDocument.version.desc())
        )
    )


def current_documents(session: Session) -> list[RuleDocument]:
    latest = (
        select(RuleDocument.slug, func.max(RuleDocument.version).label("version"))
        .group_by(RuleDocument.slug)
        .subquery()
    )
    return list(
        session.scalars(
            select(RuleDocument)
            .join(latest, (RuleDocument.slug == latest.c.slug) & (RuleDocument.version == latest.c.version))
            .order_by(RuleDocument.slug)
        )
    )


def resolve_rule(session: Session, rule_id: str) -> CitedRule:
    """The rule as currently published; refuses a decision that cites no live rule (R3.1)."""
    for document in current_documents(session):
        for rule in document.rules:
            if rule.rule_id == rule_id:
                return CitedRule(
                    rule_id=rule.rule_id,
                    version=document.version,
                    document=document.slug,
                    title=rule.title,
                    requirements=tuple(rule.requirements),
                )
    raise InvalidInput(
        f"rule {rule_id!r} is not in any currently published document",
        code="unknown_rule",
    )


def accept_agreement(session: Session, account_id: int, version_number: int) -> AgreementAcceptance:
    agreement = current(session, DocumentSlug.USER_AGREEMENT)
    if version_number != agreement.version:
        raise InvalidInput(
            f"the current user agreement is version {agreement.version}",
            code="agreement_version_mismatch",
            detail={"current_version": agreement.version},
        )
    existing = session.scalar(
        select(AgreementAcceptance).where(
            AgreementAcceptance.account_id == account_id,
            AgreementAcceptance.document_id == agreement.id,
        )
    )
    if existing is not None:
        return existing
    acceptance = AgreementAcceptance(
        account_id=account_id, document_id=agreement.id, version=agreement.version
    )
    session.add(acceptance)
    session.flush()
    return acceptance


def accepted_version(session: Session, account_id: int) -> int | None:
    return session.scalar(
        select(func.max(AgreementAcceptance.version)).where(AgreementAcceptance.account_id == account_id)
    )


def _agreement_status() -> Select:
    current = (select(RuleDocument.id, RuleDocument.version)
               .where(RuleDocument.slug == bindparam("slug"))
               .order_by(RuleDocument.version.desc())
               .limit(1)
               .subquery())
    return (select(current.c.version, AgreementAcceptance.account_id)
            .select_from(current)
            .outerjoin(AgreementAcceptance, and_(AgreementAcceptance.document_id == current.c.id,
                                                 AgreementAcceptance.account_id.in_(bindparam("ids", expanding=True)))))


# Built once: every batch of submissions runs it.
_AGREEMENT_STATUS = _agreement_status()


def agreement_status(session: Session, account_ids: Iterable[int]) -> tuple[int, set[int]]:
    """The current user agreement's version and which of the accounts have not accepted it.

    One query for a whole batch of submissions (R5.1: no service before acceptance)."""
    ids = set(account_ids)
    rows = session.execute(_AGREEMENT_STATUS, {"slug": DocumentSlug.USER_AGREEMENT, "ids": list(ids)}).all()
    if not rows:
        raise NotFound("no user agreement has been published", code="document_not_found")
    accepted = {account_id for _, account_id in rows if account_id is not None}
    return rows[0][0], ids - accepted


def agreement_required(version: int) -> Forbidden:
    return Forbidden(
        f"accept version {version} of the user agreement first",
        code="agreement_required",
        detail={"current_version": version},
    )


def install_shipped_documents(session: Session) -> list[RuleDocument]:
    """Publish the documents that ship with qinglang, for any slug that has none yet."""
    published = []
    have = set(session.scalars(select(RuleDocument.slug).distinct()))
    folder = resources.files("qinglang.rules") / "documents"
    for slug in DocumentSlug:
        if slug.value in have:
            continue
        body = (folder / f"{slug.value}.md").read_text(encoding="utf-8")
        published.append(publish(session, slug, body, summary="Shipped with qinglang."))
    return published
