"""Every service serves the AsyncAPI document of all topics (`contracts/asyncapi.json`) at
`/asyncapi.json` and renders it at `/asyncapi`, with the viewer's script and stylesheet served from
the pinned `asyncapi-viewer` package (no CDN): public like `/docs`, not part of the OpenAPI."""
from __future__ import annotations

from asyncapi_viewer import assets
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

from contracts.asyncapi import DOCUMENT

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title} · AsyncAPI</title>
<link rel="stylesheet" href="/asyncapi/assets/{theme}">
<script type="module" src="/asyncapi/assets/{module}"></script></head>
<body data-rendered=""><asyncapi-viewer src="/asyncapi.json" sidebar></asyncapi-viewer>
<script type="module" src="/asyncapi/rendered.js"></script></body></html>
"""
_TYPES = {".js": "text/javascript", ".css": "text/css"}
# Public like /docs: the document says what travels, never what a topic holds.
PUBLIC_PATHS = frozenset({"/asyncapi", "/asyncapi.json", "/asyncapi/rendered.js",
                          *(f"/asyncapi/assets/{name}" for name in assets.VIEWER_FILES)})
_RENDERED = """document.querySelector("asyncapi-viewer").addEventListener("asyncapi-load", (e) => {
  const model = e.detail && e.detail.model;
  document.body.dataset.rendered = String(model && (typeof model.title === "function" ? model.title() : model.title));
});
document.querySelector("asyncapi-viewer").addEventListener("asyncapi-error", (e) => {
  document.body.dataset.rendered = "error: " + String(e.detail && (e.detail.message || e.detail.error));
});
"""


def install_asyncapi(app: FastAPI) -> None:
    page = _PAGE.format(title=app.title, theme=assets.VIEWER_THEME, module=assets.VIEWER_MODULE)

    @app.get("/asyncapi.json", include_in_schema=False)
    async def document() -> FileResponse:
        return FileResponse(DOCUMENT, media_type="application/json")

    @app.get("/asyncapi", include_in_schema=False)
    async def viewer() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/asyncapi/rendered.js", include_in_schema=False)
    async def rendered() -> Response:
        # Marks the page once the viewer has rendered the document (a headless browser checks it).
        return Response(_RENDERED, media_type="text/javascript")

    @app.get("/asyncapi/assets/{name}", include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        if name not in assets.VIEWER_FILES:  # the package's three files, nothing else from disk
            raise HTTPException(404)
        path = assets.static_path(name)
        return FileResponse(path, media_type=_TYPES[path.suffix])
