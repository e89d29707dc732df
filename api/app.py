"""The FastAPI application: routers for queries and the corpus, the web page, error handling.

``create_app(index_dir)`` loads the index once; ``create_app(engine=...)``
serves an engine built elsewhere (tests). Every error is a JSON 4xx with a
message; unexpected failures are logged and answered with a JSON 500 that
names no internals.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from zhengce import __version__
from zhengce.api import offline_docs, routes_admin, routes_corpus, routes_duties, routes_query
from zhengce.api.auth import load_admin_token
from zhengce.api.headers import SecurityHeaders
from zhengce.api.limits import LimitSettings, install_limits
from zhengce.api.reloading import EngineHolder
from zhengce.api.schemas import printable
from zhengce.search.engine import SearchEngine

log = logging.getLogger("zhengce.api")
STATIC = Path(__file__).parent / "static"


async def _validation(request: Request, exc: RequestValidationError):
    errors = [{"loc": [p if isinstance(p, int) else printable(p) for p in e.get("loc", ())],
               "msg": printable(e.get("msg", ""))} for e in exc.errors()]  # never echo unencodable text
    message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in errors)
    return JSONResponse(status_code=422, content={"detail": message, "errors": errors})


async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - a safety net
    log.exception("unexpected error on %s", request.url.path)
    return JSONResponse(status_code=500, content={"detail": "internal error"})


def create_app(index_dir: str | Path | None = None, engine: SearchEngine | None = None,
               admin_token: str | None = None, limits: LimitSettings | None = None) -> FastAPI:
    """``admin_token``: what admin endpoints require (default: ``ZHENGCE_ADMIN_TOKEN``; none disables them);
    ``limits``: request limits (api/limits.py; defaults when None)."""
    from zhengce.threads import pin_faiss

    pin_faiss(1)
    if engine is None:
        if index_dir is None:
            raise ValueError("create_app needs an index directory or an engine")
        engine = SearchEngine.open(index_dir)
    app = FastAPI(title="zhengce", version=__version__, docs_url=None, redoc_url=None,
                  description="Semantic search and question answering over Chinese policy notices.")
    app.state.admin_token = load_admin_token() if admin_token is None else (admin_token or None)
    app.add_middleware(SecurityHeaders)
    app.state.holder = EngineHolder(engine, str(index_dir) if index_dir else None)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Exception, _unexpected)
    app.include_router(routes_query.router)
    app.include_router(routes_corpus.router)
    app.include_router(routes_duties.router)
    app.include_router(routes_admin.router)
    offline_docs.install(app)
    install_limits(app, limits)  # body, concurrency, rate and host limits (api/limits.py)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page():
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    return app
