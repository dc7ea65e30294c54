"""HTTP conventions every service shares: the error shape, authentication, metrics."""

from collections.abc import Awaitable, Callable, Sequence
from importlib.resources import files
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.auth import AuthError, Principal, read_token
from shared.metrics import HTTP_REQUESTS


class ApiError(Exception):
    """An answer for the caller: ``{"error": code, "detail": ..., "field": ...}`` with a 4xx."""

    def __init__(self, status: int, code: str, detail: Any, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field


def _error(status: int, code: str, detail: Any, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail, "field": field}, status_code=status)


def _field_of(loc: Sequence[Any], prefix: str = "") -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join([prefix, *parts] if prefix else parts) or "body"


def invalid(errors: Sequence[Any], prefix: str = "") -> ApiError:
    """The 422 every endpoint answers for bad input: the first field, and each field with its
    reason. ``prefix`` places the errors inside a larger body (a batch item, a list entry)."""
    details = [{"field": _field_of(e["loc"], prefix), "reason": e["msg"]} for e in errors[:20]]
    return ApiError(422, "invalid", details, details[0]["field"] if details else "body")


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


def install_conventions(app: FastAPI, token_secret: str, max_body_bytes: int = 256 * 1024) -> None:
    app.state.token_secret = token_secret
    serve_docs_offline(app)

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.detail, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        error = invalid(exc.errors())
        return _error(error.status, error.code, error.detail, error.field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", exc.detail)

    @app.middleware("http")
    async def _count(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length", "0")
        if declared.isdigit() and int(declared) > max_body_bytes:
            HTTP_REQUESTS.labels("oversized", request.method, "413").inc()
            return _error(413, "too_large", f"body over {max_body_bytes} bytes", "body")
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        HTTP_REQUESTS.labels(path, request.method, str(response.status_code)).inc()
        return response

    @app.get("/metrics", include_in_schema=False)
    async def _metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz", include_in_schema=False)
    async def _health(request: Request) -> dict[str, Any]:
        return {"status": "ok", "ready": bool(getattr(request.app.state, "ready", False))}


_bearer = HTTPBearer(auto_error=False)


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise ApiError(
            401, "unauthenticated", "a bearer token is required (gridline token --role …)"
        )
    try:
        return read_token(request.app.state.token_secret, credentials.credentials)
    except AuthError as exc:
        raise ApiError(401, "unauthenticated", str(exc)) from exc


def require(*kinds: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets only the named role kinds through (403 for the rest)."""

    async def _check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if not who.is_any(*kinds, "admin"):
            raise ApiError(403, "forbidden", f"role {who.role} may not do this", "role")
        return who

    return _check
