"""Query routes: search, ask, precedent and similar clauses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from zhengce.api.deps import AnswererDep, EngineDep
from zhengce.api.schemas import (
    AskRequest,
    AskResponse,
    PrecedentRequest,
    PrecedentResponse,
    SearchRequest,
    SearchResponse,
)
from zhengce.index.contract import FilterError, Filters
from zhengce.search.engine import SearchEngine
from zhengce.search.fusion import FusionName, Mode
from zhengce.search.precedent import find_precedents, payload

router = APIRouter()


def _run_search(engine: SearchEngine, req: SearchRequest) -> dict:
    try:
        result = engine.search(req.q, k=req.k, mode=req.mode, filters=Filters.from_request(req),
                               fusion=req.fusion)
    except FilterError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    # Fused scores are normalized per query; whether anything matches well is the judgement.
    from zhengce.search.answerability import Answerability

    judgement = Answerability(engine).judge(result.query, result.ranked)  # the query as searched (cut)
    return dict(result.to_dict(), answerable=judgement.answerable, confidence=round(judgement.confidence, 4))


@router.get("/search", response_model=SearchResponse, summary="Search clauses")
def search_get(
    engine: EngineDep,
    q: Annotated[str, Query(description="the question or topic")],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    mode: Mode = "hybrid",
    fusion: FusionName = "weighted",
    doc: Annotated[list[str] | None, Query(description="only these document ids (repeatable)")] = None,
    unit: Annotated[str | None, Query(max_length=100)] = None,
    issuer: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    date_from: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
):
    try:
        req = SearchRequest(q=q, k=k, mode=mode, fusion=fusion, doc=[d for d in (doc or []) if d],
                            unit=unit or None, issuer=issuer or None, kind=kind or None,
                            year_from=year_from, year_to=year_to, date_from=date_from or None,
                            date_to=date_to or None)
    except ValidationError as exc:
        raise RequestValidationError(
            [{"loc": ("query", *e["loc"]), "msg": e["msg"]} for e in exc.errors()]) from exc
    return _run_search(engine, req)


@router.post("/search", response_model=SearchResponse, summary="Search clauses (JSON body)")
def search_post(engine: EngineDep, req: SearchRequest):
    return _run_search(engine, req)


@router.post("/ask", response_model=AskResponse,
             summary="Answer a question: responsible units with citations, or not found")
def ask(answerer: AnswererDep, req: AskRequest):
    try:
        return answerer.ask(req.question, k=req.k, mode=req.mode, filters=Filters.from_request(req)).to_dict()
    except FilterError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.post("/precedent", response_model=PrecedentResponse,
             summary="Earlier clauses similar to a draft, as a timeline with differences")
def precedent(engine: EngineDep, req: PrecedentRequest):
    try:
        found, ms = find_precedents(engine, req.text, req.k, filters=Filters.from_request(req))
    except FilterError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return payload(req.text, found, ms)


@router.get("/clauses/{clause_id:path}/similar", response_model=PrecedentResponse,
            summary="Clauses of other documents similar to one clause")
def similar(engine: EngineDep, clause_id: str, k: Annotated[int, Query(ge=1, le=100)] = 10):
    clause = engine.index.clause(clause_id)
    if clause is None:
        raise HTTPException(status_code=404, detail=f"no clause {clause_id!r}")
    text = clause.titled_text
    found, ms = find_precedents(engine, text, k, exclude_doc=clause.doc_id, exclude_id=clause.id)
    return payload(text, found, ms)
