"""Corpus routes: clauses, documents, units, health and reload."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException

from zhengce.api.auth import AdminDep
from zhengce.api.deps import AnswererDep, EngineDep, HolderDep
from zhengce.index.model import DocMeta
from zhengce.search.answer import unit_directory

router = APIRouter()


def _meta(meta: DocMeta) -> dict:
    """Document metadata for a response: the file's name, never its path on the server."""
    d = meta.to_dict()
    d["file"] = Path(meta.file).name if meta.file else None
    return d


@router.get("/units", summary="Every responsible unit with its clause counts")
def units(engine: EngineDep):
    return {"units": unit_directory(engine)}


@router.get("/units/{name}", summary="A unit's clauses, grouped by document, newest first")
def unit(engine: EngineDep, answerer: AnswererDep, name: str):
    if not engine.index.match_units(name):
        raise HTTPException(status_code=404, detail=f"no clause names the unit {name!r}")
    return answerer.unit_answer(name, name, 10).to_dict()


@router.get("/clauses/{clause_id:path}", summary="One clause with its citation")
def get_clause(engine: EngineDep, clause_id: str):
    clause = engine.index.clause(clause_id)
    if clause is None:
        raise HTTPException(status_code=404, detail=f"no clause {clause_id!r}")
    out = clause.to_dict(with_doc=False)
    out["doc"] = _meta(clause.doc) if clause.doc else None
    cite = engine.index.citation(clause)
    out["source"] = {"file": cite.file, "start": cite.start, "end": cite.end, "text": cite.text,
                     "page": cite.page}
    return out


@router.get("/documents", summary="All documents with their metadata")
def list_documents(engine: EngineDep):
    idx = engine.index
    return {"documents": [{**_meta(m), "clauses": len(idx.tree(m.doc_id))} for m in idx.documents()]}


@router.get("/documents/{doc_id}", summary="A document: metadata, clause tree and original text")
def get_document(engine: EngineDep, doc_id: str):
    idx = engine.index
    meta = idx.document(doc_id)
    if meta is None:
        raise HTTPException(status_code=404, detail=f"no document {doc_id!r}")
    return {"meta": _meta(meta), "clauses": [c.to_dict(with_doc=False) for c in idx.tree(doc_id)],
            "original": idx.original(doc_id)}


@router.get("/health", summary="ok, the index's counts and format version (no paths)")
def health(engine: EngineDep):
    m = engine.index.manifest
    return {"status": "ok", "format_version": m.get("format_version"), "counts": m.get("counts", {}),
            "rows": len(engine.index), "embedder": m.get("embedder", {}).get("name"),
            "built_at": m.get("built_at")}


@router.post("/admin/reload", summary="Load the newest index build without restarting (admin token)",
             dependencies=[AdminDep])
def reload(holder: HolderDep):
    from zhengce.api.jobs import hide_paths
    from zhengce.index.store import IndexLoadError

    try:
        engine = holder.reload()
    except (IndexLoadError, RuntimeError) as exc:
        raise HTTPException(status_code=409, detail=hide_paths(str(exc))) from exc
    m = engine.index.manifest
    return {"status": holder.last_status, "format_version": m.get("format_version"),
            "counts": m.get("counts", {})}
