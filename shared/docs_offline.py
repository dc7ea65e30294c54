"""The API's ``/docs`` page served from this machine: a utility's intranet often has no internet."""

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles


def serve_docs_offline(app: FastAPI) -> None:
    """``/docs`` from Swagger UI files shipped in a Python package (fastapi-offline), not a CDN:
    a utility's intranet often has no internet. FastAPI's own /docs and /redoc are replaced."""
    replaced = {app.docs_url, app.redoc_url}
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") not in replaced]
    static = str(files("fastapi_offline") / "static")
    app.mount("/docs-static", StaticFiles(directory=static), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def _docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )
