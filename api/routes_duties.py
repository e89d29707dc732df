"""The duty matrix route: ``GET /duties?doc=…&unit=…&format=json|csv|xlsx``.

Rows come from :func:`zhengce.search.duties.duty_rows`, files from
:mod:`zhengce.api.export`; links in them point to this server's page.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from zhengce.api import export
from zhengce.api.deps import EngineDep
from zhengce.index.contract import FilterError
from zhengce.search.duties import COLUMNS, duty_rows

router = APIRouter()


@router.get("/duties", summary="The duty matrix (责任分工表): tasks, lead and supporting units, deadlines",
            responses={200: {"content": {"text/csv": {}, export.MEDIA_TYPES["xlsx"]: {}},
                             "description": "JSON rows, or a CSV or XLSX file to download"}})
def duties(
    request: Request,
    engine: EngineDep,
    doc: Annotated[list[str] | None, Query(description="only these document ids (repeatable)")] = None,
    unit: Annotated[str | None, Query(max_length=100, description="only the clauses naming this unit")] = None,
    format: Literal["json", "csv", "xlsx"] = "json",  # noqa: A002 - the query parameter's name
):
    docs = [d for d in (doc or []) if d]
    try:
        rows = duty_rows(engine.index, docs, unit or None, base_url=str(request.base_url))
    except FilterError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    if format == "json":
        return {"columns": [{"key": k, "title": t} for k, t in COLUMNS], "rows": [r.to_dict() for r in rows]}
    body = export.to_csv(rows) if format == "csv" else export.to_xlsx(rows)
    name = export.download_name(format, docs, unit)
    return Response(body, media_type=export.MEDIA_TYPES[format],
                    headers={"Content-Disposition": export.content_disposition(name)})
