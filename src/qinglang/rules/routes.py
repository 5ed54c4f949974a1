from __future__ import annotations

from fastapi import APIRouter, status

from qinglang.deps import Admin, DbSession
from qinglang.rules import schemas
from qinglang.rules import service as rules_service
from qinglang.rules.models import DocumentSlug

router = APIRouter(prefix="/v1/rules", tags=["rules"])


@router.get("", response_model=schemas.RuleDocumentList, tags=["public"],
            summary="The current version of every published document (R10.1)")
def list_documents(session: DbSession) -> schemas.RuleDocumentList:
    return schemas.RuleDocumentList(
        items=[schemas.RuleDocumentSummary.model_validate(d) for d in rules_service.current_documents(session)]
    )


@router.get("/{slug}", response_model=schemas.RuleDocument, tags=["public"])
def current_document(slug: DocumentSlug, session: DbSession) -> schemas.RuleDocument:
    return schemas.RuleDocument.model_validate(rules_service.current(session, slug))


@router.get("/{slug}/versions", response_model=schemas.RuleDocumentList, tags=["public"])
def document_versions(slug: DocumentSlug, session: DbSession) -> schemas.RuleDocumentList:
    return schemas.RuleDocumentList(
        items=[schemas.RuleDocumentSummary.model_validate(d) for d in rules_service.versions(session, slug)]
    )


@router.get("/{slug}/versions/{number}", response_model=schemas.RuleDocument, tags=["public"])
def document_version(slug: DocumentSlug, number: int, session: DbSession) -> schemas.RuleDocument:
    return schemas.RuleDocument.model_validate(rules_service.version(session, slug, number))


@router.post("/{slug}/versions", response_model=schemas.RuleDocument, status_code=status.HTTP_201_CREATED,
             summary="Publish a new version (validated; a new user agreement needs re-acceptance)")
def publish_version(slug: DocumentSlug, body: schemas.RuleDocumentCreate, admin: Admin,
                    session: DbSession) -> schemas.RuleDocument:
    document = rules_service.publish(session, slug, body.body_md, summary=body.summary, publisher_id=admin.id)
    return schemas.RuleDocument.model_validate(document)


routers = (router,)
