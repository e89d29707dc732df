"""The FastAPI application: search, clauses, documents, health.

``create_app(index_dir)`` loads the index once; ``create_app(engine=...)``
serves an engine built elsewhere (tests). Every error is a JSON 4xx with a
message; unexpected failures are logged and answered with a JSON 500 that
names no internals.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from zhengce.api.limits import LimitSettings, install_limits
from zhengce.api.reloading import EngineHolder
from zhengce.api.schemas import AskRequest, PrecedentRequest, SearchRequest, SearchResponse, printable
from zhengce.search.answer import unit_directory
from zhengce.search.engine import FilterError, Filters, SearchEngine
from zhengce.search.precedent import find_precedents, payload

log = logging.getLogger("zhengce.api")
STATIC = Path(__file__).parent / "static"


def _filters(req: SearchRequest) -> Filters:
    return Filters(docs=tuple(req.doc), issuer=req.issuer, unit=req.unit, kind=req.kind,
                   year_from=req.year_from, year_to=req.year_to)


def create_app(index_dir: str | Path | None = None, engine: SearchEngine | None = None,
               limits: LimitSettings | None = None) -> FastAPI:
    from zhengce.threads import pin_faiss

    pin_faiss(1)
    if engine is None:
        if index_dir is None:
            raise ValueError("create_app needs an index directory or an engine")
        engine = SearchEngine.open(index_dir)
    holder = EngineHolder(engine, str(index_dir) if index_dir else None)
    app = FastAPI(title="zhengce", version="0.1.0",
                  description="Semantic search and question answering over Chinese policy notices.")
    app.state.holder = holder
    install_limits(app, limits)  # body, concurrency, rate and host limits (api/limits.py)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page():
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = [{"loc": [p if isinstance(p, int) else printable(p) for p in e.get("loc", ())],
                   "msg": printable(e.get("msg", ""))} for e in exc.errors()]  # never echo unencodable text
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in errors)
        return JSONResponse(status_code=422, content={"detail": message, "errors": errors})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - a safety net
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse(status_code=500, content={"detail": "internal error"})

    def run_search(req: SearchRequest) -> dict:
        try:
            result = holder.engine.search(req.q, k=req.k, mode=req.mode, filters=_filters(req),
                                          fusion=req.fusion)
        except FilterError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc
        return result.to_dict()

    @app.get("/search", response_model=SearchResponse, summary="Search clauses")
    def search_get(
        q: Annotated[str, Query(description="the question or topic")],
        k: Annotated[int, Query(ge=1, le=100)] = 10,
        mode: Literal["bm25", "dense", "hybrid"] = "hybrid",
        fusion: Literal["rrf", "weighted"] = "weighted",
        doc: Annotated[list[str] | None, Query()] = None,
        unit: Annotated[str | None, Query(max_length=100)] = None,
        issuer: Annotated[str | None, Query(max_length=100)] = None,
        kind: Annotated[str | None, Query(max_length=20)] = None,
        year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
        year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    ):
        try:
            req = SearchRequest(q=q, k=k, mode=mode, fusion=fusion, doc=[d for d in (doc or []) if d],
                                unit=unit or None, issuer=issuer or None, kind=kind or None,
                                year_from=year_from, year_to=year_to)
        except ValidationError as exc:
            raise RequestValidationError(
                [{"loc": ("query", *e["loc"]), "msg": e["msg"]} for e in exc.errors()]) from exc
        return run_search(req)

    @app.post("/search", response_model=SearchResponse, summary="Search clauses (JSON body)")
    def search_post(req: SearchRequest):
        return run_search(req)

    @app.post("/ask", summary="Answer a question: responsible units with citations, or not found")
    def ask(req: AskRequest):
        filters = Filters(docs=tuple(req.doc), year_from=req.year_from, year_to=req.year_to)
        try:
            return holder.answerer.ask(req.question, k=req.k, mode=req.mode, filters=filters).to_dict()
        except FilterError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc

    def precedent_response(text: str, k: int, exclude_doc=None, exclude_id=None) -> dict:
        found, ms = find_precedents(holder.engine, text, k, exclude_doc, exclude_id)
        return payload(text, found, ms)

    @app.post("/precedent", summary="Earlier clauses similar to a draft, as a timeline with differences")
    def precedent(req: PrecedentRequest):
        return precedent_response(req.text, req.k)

    @app.get("/clauses/{clause_id:path}/similar", summary="Clauses of other documents similar to one clause")
    def similar(clause_id: str, k: Annotated[int, Query(ge=1, le=100)] = 10):
        clause = holder.engine.index.by_id.get(clause_id)
        if clause is None:
            raise HTTPException(status_code=404, detail=f"no clause {clause_id!r}")
        text = f"{clause.title}。{clause.text}" if not clause.text.startswith(clause.title) else clause.text
        return precedent_response(text or clause.title, k, exclude_doc=clause.doc_id, exclude_id=clause.id)

    @app.get("/units", summary="Every responsible unit with its clause counts")
    def units():
        return {"units": unit_directory(holder.engine)}

    @app.get("/units/{name}", summary="A unit's clauses, grouped by document, newest first")
    def unit(name: str):
        if not holder.engine.match_units(name):
            raise HTTPException(status_code=404, detail=f"no clause names the unit {name!r}")
        return holder.answerer.unit_answer(name, name, 10).to_dict()

    @app.get("/clauses/{clause_id:path}", summary="One clause with its citation")
    def get_clause(clause_id: str):
        idx = holder.engine.index
        clause = idx.by_id.get(clause_id)
        if clause is None:
            raise HTTPException(status_code=404, detail=f"no clause {clause_id!r}")
        out = clause.to_dict()
        out["source"] = {"file": clause.doc.file, "start": clause.start, "end": clause.end,
                         "text": idx.originals[clause.doc_id][clause.start:clause.end]}
        return out

    @app.get("/documents", summary="All documents with their metadata")
    def list_documents():
        idx = holder.engine.index
        return {"documents": [{**idx.docs[d].to_dict(), "clauses": len(idx.tree[d])} for d in idx.doc_ids]}

    @app.get("/documents/{doc_id}", summary="A document: metadata, clause tree and original text")
    def get_document(doc_id: str):
        idx = holder.engine.index
        if doc_id not in idx.docs:
            raise HTTPException(status_code=404, detail=f"no document {doc_id!r}")
        return {"meta": idx.docs[doc_id].to_dict(),
                "clauses": [c.to_dict(with_doc=False) for c in idx.tree[doc_id]],
                "original": idx.originals[doc_id]}

    @app.get("/health", summary="Index manifest and counts")
    def health():
        idx = holder.engine.index
        return {"status": "ok", "index": str(idx.directory) if idx.directory else None,
                "manifest": idx.manifest, "rows": len(idx)}

    @app.post("/admin/reload", summary="Load the newest index build without restarting")
    def reload():
        from zhengce.index.store import IndexLoadError

        try:
            engine = holder.reload()
        except (IndexLoadError, RuntimeError) as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        return {"status": holder.last_status, "manifest": engine.index.manifest}

    return app
