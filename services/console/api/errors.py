"""How the console answers what went wrong, in one place: a signed-out visitor goes to the
sign-in page, a refusal, an oversized form or a service's error becomes a Chinese page, and
``/healthz`` and ``/metrics`` answer as every service's do."""

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from services.console.api.web import Forbidden, SignInNeeded, error_page, service_error_page
from services.console.queries import ServiceError
from shared.http import BodyLimit


def too_large_page(request: Request, limit: int) -> Response:
    message = f"提交的内容超过 {limit // 1024} KB，请删减后重新提交"
    return error_page(request, 413, "提交内容过大", message)


class FormLimit(BodyLimit):
    """The services' body limit (declared or counted as it streams in), answered as the
    console answers everything: a Chinese page rather than the services' JSON."""

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = too_large_page(Request(scope, receive), self.max_bytes)
        await response(scope, receive, send)


def install_pages_errors(app: FastAPI) -> None:
    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _exc: SignInNeeded) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return error_page(request, 403, "无权访问", exc.message)

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> Response:
        return service_error_page(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_page(request, 404, "页面不存在", "没有这个页面，请从首页进入")
        return error_page(request, exc.status_code, "请求有误", str(exc.detail))

    @app.get("/healthz", include_in_schema=False)
    async def _health(request: Request) -> dict[str, object]:
        return {"status": "ok", "ready": bool(getattr(request.app.state, "ready", False))}

    @app.get("/metrics", include_in_schema=False)
    async def _metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
