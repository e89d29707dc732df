"""The API docs (/docs) served entirely from this server: it runs on intranets with no internet.

FastAPI's default /docs page loads Swagger UI from a CDN and starts it with an
inline script; both fail here (no internet, and the Content-Security-Policy
allows no inline script). This page takes Swagger UI's script and stylesheet
from the ``fastapi-offline`` package, which ships Swagger UI 5 (Apache-2.0;
see its notice in ``swagger-ui-bundle.js``), and starts it from
``static/docs.js``. The app factory creates FastAPI with ``docs_url=None`` and
calls :func:`install`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"


def assets_dir() -> Path:
    """Where the installed ``fastapi_offline`` package keeps Swagger UI's files."""
    import fastapi_offline

    directory = Path(fastapi_offline.__file__).parent / "static"
    if not (directory / "swagger-ui-bundle.js").exists():
        raise RuntimeError(f"Swagger UI assets are missing from {directory}; reinstall fastapi-offline")
    return directory


def docs_html(title: str) -> str:
    from html import escape

    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - API docs</title>
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
<link rel="icon" href="{ASSETS_URL}/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve /docs and Swagger UI's assets (the app must be created with ``docs_url=None``)."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")
    page = docs_html(app.title)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)
