"""The OpenAPI documents say what the services really answer: every error a route can give, in
the one shape every service uses (``{"error", "detail", "field"}``), not FastAPI's own 422 body.

Which statuses a route documents follows from what the route is, since the conventions in
``shared/http.py`` and the handlers decide them the same way everywhere:

- 401 and 403: any route behind a bearer token (no, expired or forged token; a role or a
  department that may not do this);
- 404: any route with a path parameter (no such order, worker, person, entry…);
- 409: any write behind a token (a state the order or entry is not in, a duplicate action);
- 413: any route that takes a body (over the size limit, counted as it streams);
- 422: any route that takes parameters or a body (the field and the reason);
- 503: any route behind a token (each reads or writes the service's database, which may be
  away for a while: try again).
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every 4xx and 503 answer of every service."""

    error: str = Field(examples=["invalid", "forbidden", "not_found", "too_large", "unavailable"])
    detail: Any = Field(
        description="Why, in words (Chinese where people read it); for 422 a list of "
        "{field, reason}"
    )
    field: str | None = Field(None, description="The field (or parameter) at fault, if one is")


_REASONS = {
    "401": "未认证：缺少、过期或伪造的令牌 (missing, expired or invalid bearer token)",
    "403": "无权：该角色或部门不能做此操作 (role or department not allowed)",
    "404": "不存在 (no such resource)",
    "409": "状态冲突 (the resource is not in a state that allows this)",
    "413": "请求体过大 (body over the size limit)",
    "422": "输入无效：字段与原因 (invalid input: the field and the reason)",
    "503": "数据库暂时无法访问，请稍后重试 (database unreachable; Retry-After says when to retry)",
}
_WRITES = {"post", "put", "patch", "delete"}


def statuses_for(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    secured = bool(operation.get("security"))
    has_body = "requestBody" in operation
    has_params = bool(operation.get("parameters")) or has_body
    wanted = []
    if secured:
        wanted += ["401", "403"]
    if "{" in path:
        wanted.append("404")
    if secured and method in _WRITES:
        wanted.append("409")
    if has_body:
        wanted.append("413")
    if has_params:
        wanted.append("422")
    if secured:
        wanted.append("503")
    return wanted


def _with_errors(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema()
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in statuses_for(path, method, operation):
                responses[status] = {
                    "description": _REASONS[status],
                    "content": {"application/json": {"schema": ref}},
                }
    # FastAPI's own validation-error models describe a body we never send.
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def document_errors(app: FastAPI) -> None:
    """Builds the document once, when first asked (every route is registered by then)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_errors(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
