"""HTTP conventions every service shares: the error shape, authentication, metrics."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import AuthError, Principal, read_token
from shared.docs_offline import serve_docs_offline
from shared.faults import is_transient
from shared.logging import get_logger
from shared.metrics import HTTP_REQUESTS
from shared.openapi import document_errors
from shared.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal
from shared.validation_zh import explain

log = get_logger(__name__)

# The one place a domain refusal becomes an HTTP status.
REFUSAL_STATUS: dict[type[Refusal], int] = {
    NotFound: 404,
    Forbidden: 403,
    Invalid: 422,
    Conflict: 409,
}


def refusal_status(refusal: Refusal) -> int:
    for kind in type(refusal).__mro__:
        if kind in REFUSAL_STATUS:
            return REFUSAL_STATUS[kind]
    return 409  # a bare Refusal: the command conflicts with the state it found


class ApiError(Exception):
    """An answer for the caller: ``{"error": code, "detail": ..., "field": ...}`` with a 4xx."""

    def __init__(self, status: int, code: str, detail: Any, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field


class BodyLimit:
    """Reads a request's whole body before the app sees any of it, and refuses it past
    ``max_bytes`` with 413.

    Counted here, not as the endpoint reads: an endpoint that takes no body never reads one, so
    a 2 MB chunked body sent to it went uncounted while the endpoint acted (issue 22).
    ``Content-Length`` is only a claim: a chunked body has none, and a client may lie. A declared
    length over the limit is refused before reading; otherwise every chunk is counted, and the
    first one past the limit stops the request before any endpoint runs. The body, never over
    the limit, is then handed to the app as one message."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        if declared in (b"", b"0") and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # HTTP/1.1 without either header has no body
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left before its body was complete: nobody to answer
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        handed = False

        async def replay() -> Message:
            nonlocal handed
            if handed:
                return await receive()  # what follows the body: a disconnect
            handed = True
            return whole

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"请求体超过 {self.max_bytes} 字节 (body over {self.max_bytes} bytes)"
        await _error(413, "too_large", detail, "body")(scope, receive, send)


class CountRequests:
    """``gridline_http_requests_total`` by route, method and status. Plain ASGI: Starlette's
    ``@app.middleware("http")`` ran every request in a task group with its own streams, about
    a millisecond of CPU per request (issue 14)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # an exception that escapes every handler

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            route = scope.get("route")
            # A body refused for its size never reached a route.
            unrouted = "oversized" if status == 413 else "unmatched"
            path = getattr(route, "path", unrouted)
            HTTP_REQUESTS.labels(path, scope["method"], str(status)).inc()


def _error(status: int, code: str, detail: Any, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail, "field": field}, status_code=status)


# How long a caller should wait before asking again while the database is away: the consumers'
# backoff retries on about this rhythm too.
RETRY_AFTER_SECONDS = 5


def _root(exc: BaseException) -> BaseException:
    """The fault under the wrappers (SQLAlchemy's error around the driver's around the OS's)."""
    for _ in range(10):
        inner = getattr(exc, "orig", None) or exc.__cause__
        if inner is None:
            break
        exc = inner
    return exc


def unavailable(request: Request, exc: BaseException) -> JSONResponse:
    """503 in the error shape while the service's database (or another dependency) is away: the
    request was fine and will succeed once it is back. One log line names the request and the
    fault; no traceback, since every request answers the same way while it lasts."""
    root = _root(exc)
    log.warning(
        "dependency_unavailable",
        method=request.method,
        path=request.url.path,
        fault=f"{type(root).__name__}: {root}"[:200],
    )
    return JSONResponse(
        {
            "error": "unavailable",
            "detail": "数据库暂时无法访问，请稍后重试 (database unreachable; try again shortly)",
            "field": None,
        },
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _field_of(loc: Sequence[Any], prefix: str = "") -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join([prefix, *parts] if prefix else parts) or "body"


def invalid(errors: Sequence[Any], prefix: str = "", service: str = "") -> ApiError:
    """The 422 every endpoint answers for bad input: the first field, and each field with its
    reason in Chinese naming the field (``shared.validation_zh``; ``service`` picks its own names
    where they differ). ``prefix`` places the errors inside a larger body (a batch item, a list
    entry)."""
    details = [
        {"field": _field_of(e["loc"], prefix), "reason": explain(e, service)} for e in errors[:20]
    ]
    return ApiError(422, "invalid", details, details[0]["field"] if details else "body")


def service_of(app: FastAPI) -> str:
    """``router`` for "Gridline router": the name its field labels are kept under."""
    return app.title.rsplit(" ", 1)[-1].lower()


def install_conventions(app: FastAPI, token_secret: str, max_body_bytes: int = 256 * 1024) -> None:
    app.state.token_secret = token_secret
    serve_docs_offline(app)

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.detail, exc.field)

    @app.exception_handler(Refusal)
    async def _refused(_req: Request, exc: Refusal) -> JSONResponse:
        return _error(refusal_status(exc), exc.code, exc.detail, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _invalid(req: Request, exc: RequestValidationError) -> JSONResponse:
        error = invalid(exc.errors(), service=service_of(req.app))
        return _error(error.status, error.code, error.detail, error.field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's answer to a body that is not UTF-8 JSON: bad input like any other.
            reason = f"请求体不是有效的 JSON (body is not valid JSON: {exc.detail})"
            return _error(422, "invalid", [{"field": "body", "reason": reason}], "body")
        return _error(exc.status_code, "http_error", exc.detail)

    @app.exception_handler(SQLAlchemyError)
    @app.exception_handler(OSError)
    async def _unreachable(request: Request, exc: Exception) -> JSONResponse:
        if not is_transient(exc):
            raise exc  # a defect: the 500 and its traceback, as before
        return unavailable(request, exc)

    # Outermost: the body is counted as it arrives, whatever the client declared.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    document_errors(app)
    app.add_middleware(CountRequests)

    @app.get("/metrics", include_in_schema=False)
    async def _metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz", include_in_schema=False)
    async def _health(request: Request) -> dict[str, Any]:
        ready, faults = _readiness(request.app)
        return {"status": "ok" if ready else "degraded", "ready": ready, "faults": faults}

    @app.get("/readyz", include_in_schema=False)
    async def _ready(request: Request) -> JSONResponse:
        # 503 while a transient fault (its database away, say) keeps the service from working.
        ready, faults = _readiness(request.app)
        return JSONResponse({"ready": ready, "faults": faults}, status_code=200 if ready else 503)


def _readiness(app: FastAPI) -> tuple[bool, dict[str, str]]:
    ready = bool(getattr(app.state, "ready", False))
    health = getattr(getattr(app.state, "runtime", None), "health", None)
    if health is None:
        return ready, {}
    return ready and bool(health.ready), dict(health.faults)


_bearer = HTTPBearer(auto_error=False)


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise ApiError(
            401,
            "unauthenticated",
            "缺少凭据，请先登录 (a bearer token is required: gridline token --role …)",
        )
    try:
        return read_token(request.app.state.token_secret, credentials.credentials)
    except AuthError as exc:
        raise ApiError(401, "unauthenticated", f"凭据无效或已过期，请重新登录 ({exc})") from exc


def require(*kinds: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets only the named role kinds through (403 for the rest)."""

    async def _check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if not who.is_any(*kinds, "admin"):
            raise ApiError(
                403, "forbidden", f"无权办理此事 (role {who.role} may not do this)", "role"
            )
        return who

    return _check
