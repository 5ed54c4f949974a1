"""Lexicon management and an on-demand detection endpoint for staff (R7.1-R8.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from qinglang.deps import Admin, DbSession, RuntimeDep, Staff
from qinglang.detection import schemas
from qinglang.detection import service as lexicon_service
from qinglang.review import tasks as review_tasks
from qinglang.runtime import Runtime

router = APIRouter(prefix="/v1/lexicon", tags=["detection"])


def _lexicon_changed(session: Session, runtime: Runtime, actor_id: int, trigger: str) -> None:
    runtime.detectors.invalidate()
    # R9.5: published content is judged again with the changed lexicon.
    review_tasks.create_job(session, "lexicon", trigger=trigger, actor_id=actor_id)
detect_router = APIRouter(prefix="/v1", tags=["detection"])


@router.get("/terms", response_model=schemas.TermList, summary="The platform's own active terms")
def list_terms(_: Staff, session: DbSession, category: str | None = None, tier: str | None = None,
               q: Annotated[str | None, Query(max_length=100)] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> schemas.TermList:
    terms = lexicon_service.active_terms(session, category=category, tier=tier, query=q, limit=limit, offset=offset)
    return schemas.TermList(items=[schemas.Term.model_validate(t) for t in terms],
                            version=lexicon_service.current_version(session))


@router.post("/terms", response_model=schemas.Term, status_code=status.HTTP_201_CREATED)
def add_term(body: schemas.TermCreate, admin: Admin, session: DbSession, runtime: RuntimeDep) -> schemas.Term:
    term = lexicon_service.add_term(session, term=body.term, category=body.category, tier=body.tier,
                                    variants=list(body.variants), actor_id=admin.id)
    _lexicon_changed(session, runtime, admin.id, f"lexicon v{term.added_in}")
    return schemas.Term.model_validate(term)


@router.delete("/terms/{term_id}", response_model=schemas.LexiconVersion)
def remove_term(term_id: int, admin: Admin, session: DbSession, runtime: RuntimeDep) -> schemas.LexiconVersion:
    version = lexicon_service.remove_term(session, term_id, admin.id)
    _lexicon_changed(session, runtime, admin.id, f"lexicon v{version.id}")
    return schemas.LexiconVersion.model_validate(version)


@router.post("/imports", response_model=schemas.LexiconVersion, status_code=status.HTTP_201_CREATED,
             summary="Import TXT (one term a line) or CSV (term,category,tier,variants)")
def import_terms(body: schemas.LexiconImport, admin: Admin, session: DbSession,
                 runtime: RuntimeDep) -> schemas.LexiconVersion:
    version, _, _ = lexicon_service.import_text(session, fmt=body.format, content=body.content,
                                                category=body.category, tier=body.tier, source=body.source,
                                                actor_id=admin.id)
    _lexicon_changed(session, runtime, admin.id, f"lexicon v{version.id}")
    return schemas.LexiconVersion.model_validate(version)


@router.get("/versions", response_model=list[schemas.LexiconVersion])
def list_versions(_: Staff, session: DbSession) -> list[schemas.LexiconVersion]:
    return [schemas.LexiconVersion.model_validate(v) for v in lexicon_service.versions(session)]


@detect_router.post("/detect", summary="Run the detection cascade on a text (TAXONOMY.md output format)")
def detect(body: schemas.DetectRequest, _: Staff, session: DbSession, runtime: RuntimeDep) -> dict:
    detector = runtime.detectors.get(session)
    return detector.detect(body.text, body.title, body.lang, body.kind).to_json(None)


routers = (router, detect_router)
