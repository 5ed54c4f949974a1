"""The debunk bank API: public debunk pages and feed (R5.1), staff management, import/export,
matching, sweeps and exposure figures (R9.7)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from qinglang.deps import Admin, DbSession, RuntimeDep, Staff
from qinglang.errors import NotFound
from qinglang.rumors import interchange, matching, schemas, tasks
from qinglang.rumors import service as rumors_service
from qinglang.rumors.models import Claim
from qinglang.rumors.service import ClaimInput

public = APIRouter(prefix="/v1/debunks", tags=["rumors", "public"])
staff = APIRouter(prefix="/v1/rumors", tags=["rumors"])


def _debunk(claim: Claim, hits: dict[int, int]) -> schemas.Debunk:
    view = schemas.Debunk.model_validate(claim)
    view.items_ruled_false = hits.get(claim.id, 0)
    return view


@public.get("", response_model=schemas.DebunkList, summary="Debunked claims, newest first (R5.1)")
def list_debunks(session: DbSession, q: Annotated[str | None, Query(max_length=100)] = None,
                 before: Annotated[int | None, Query(ge=1)] = None,
                 limit: Annotated[int, Query(ge=1, le=rumors_service.MAX_PAGE)] = 20) -> schemas.DebunkList:
    claims = rumors_service.debunks(session, q=q, before=before, limit=limit)
    hits = rumors_service.hit_counts(session, [c.id for c in claims])
    return schemas.DebunkList(items=[_debunk(c, hits) for c in claims],
                              next_before=claims[-1].id if len(claims) == limit else None)


@public.get("/claimreview.jsonld", summary="The debunk feed as schema.org ClaimReview JSON-LD (a DataFeed)")
def debunk_feed(session: DbSession, limit: Annotated[int, Query(ge=1, le=rumors_service.MAX_PAGE)] = 50
                ) -> JSONResponse:
    feed = interchange.data_feed(rumors_service.debunks(session, limit=limit))
    return JSONResponse(feed, media_type="application/ld+json")


@public.get("/{claim_id}", response_model=schemas.Debunk, summary="One debunk page: claim, verdict, debunk, sources")
def get_debunk(claim_id: int, session: DbSession) -> schemas.Debunk:
    claim = rumors_service.get(session, claim_id)
    if claim.verdict not in rumors_service.DEBUNKED or claim.status != "active":
        # Only debunks are public: any other claim answers like a missing one.
        raise NotFound(f"claim {claim_id} does not exist", code="claim_not_found")
    return _debunk(claim, rumors_service.hit_counts(session, [claim.id]))


@staff.post("/claims", response_model=schemas.Claim, status_code=status.HTTP_201_CREATED,
            summary="Add a checked claim to the bank; stored content is swept for it after commit")
def add_claim(body: schemas.ClaimCreate, reviewer: Staff, session: DbSession) -> schemas.Claim:
    claim, _ = rumors_service.upsert(session, ClaimInput(**body.model_dump()), actor_id=reviewer.id)
    return schemas.Claim.model_validate(claim)


@staff.get("/claims/{claim_id}", response_model=schemas.Claim, summary="Any claim, whatever its verdict")
def get_claim(claim_id: int, _: Staff, session: DbSession) -> schemas.Claim:
    return schemas.Claim.model_validate(rumors_service.get(session, claim_id))


@staff.post("/claims/{claim_id}/retire", response_model=schemas.Claim, summary="Stop matching a claim")
def retire_claim(claim_id: int, body: schemas.ClaimRetire, admin: Admin, session: DbSession) -> schemas.Claim:
    return schemas.Claim.model_validate(rumors_service.retire(session, rumors_service.get(session, claim_id),
                                                              actor_id=admin.id))


@staff.post("/claims/import", response_model=schemas.ImportResult,
            summary="Import ClaimReview JSON-LD or CSV; rows with a known external ID update")
def import_claims(body: schemas.ClaimImport, admin: Admin, session: DbSession) -> schemas.ImportResult:
    if body.format == "csv":
        rows = interchange.from_csv(str(body.document))
    else:
        rows = interchange.from_claim_review(body.document)
    created = sum(rumors_service.upsert(session, row, actor_id=admin.id)[1] for row in rows)
    return schemas.ImportResult(created=created, updated=len(rows) - created)


@staff.get("/claims", summary="Export the bank as ClaimReview JSON-LD or CSV")
def export_claims(_: Staff, session: DbSession, format: Literal["claimreview", "csv"] = "claimreview",
                  after: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> Response:
    claims = rumors_service.claims(session, after=after, limit=limit)
    if format == "csv":
        return PlainTextResponse(interchange.to_csv(claims), media_type="text/csv")
    return JSONResponse(interchange.data_feed(claims), media_type="application/ld+json")


@staff.post("/match", response_model=schemas.MatchList, summary="Which claims a text says, with similarities")
def match_text(body: schemas.MatchRequest, _: Staff, session: DbSession) -> schemas.MatchList:
    found = matching.find(session, body.text, minimum=0.3)
    texts = {c.id: c.text for c in (rumors_service.get(session, m.claim_id) for m in found)}
    return schemas.MatchList(
        matches=[schemas.MatchView(claim_id=m.claim_id, verdict=m.verdict, similarity=round(m.similarity, 4),
                                   band=m.band or "none", text=texts[m.claim_id]) for m in found],
        thresholds={"high": matching.HIGH, "suggest": matching.SUGGEST},
    )


@staff.post("/claims/{claim_id}/sweep", response_model=schemas.SweepSummary,
            summary="Sweep stored content for a claim now and dispose of what matches (R9.7)")
def sweep_claim(claim_id: int, admin: Admin, session: DbSession, runtime: RuntimeDep) -> schemas.SweepSummary:
    summary = tasks.sweep(session, runtime.settings, runtime.gate, claim_id, actor_id=admin.id)
    return schemas.SweepSummary(**summary.__dict__)


@staff.get("/claims/{claim_id}/exposure", response_model=schemas.ClaimExposure,
           summary="Impressions of content ruled false for a claim, before and after disposal")
def claim_exposure(claim_id: int, _: Staff, session: DbSession) -> schemas.ClaimExposure:
    items = rumors_service.exposure(session, claim_id)
    return schemas.ClaimExposure(
        claim_id=claim_id, items=[schemas.ItemExposure(**i.__dict__) for i in items],
        impressions_before=sum(i.before for i in items), impressions_after=sum(i.after for i in items),
    )


routers = (public, staff)
