"""What every page shares: the signed-in user, CSRF, rendering, the Chinese error pages."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.console.config import ConsoleDeps, ConsoleSettings
from services.console.domain import labels
from services.console.domain.sessions import digest
from services.console.handlers import Accounts
from services.console.live.hub import Hub
from services.console.queries import Caller, ServiceError, Services
from services.console.store import SessionRepository, UserRow
from shared import state
from shared.clock import Clock
from shared.db import Database
from shared.masking import mask_phone

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

HOME = {
    "operator": "/operator",
    "admin": "/operator",
    "department": "/inbox",
    "head": "/head",
    "ops": "/duty",
}


SESSION_KEY = "session"  # in the signed cookie: the token of the server-side session


class SignInNeeded(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ConsoleContext:
    settings: ConsoleSettings
    deps: ConsoleDeps
    services: Services
    db: Database
    clock: Clock
    accounts: Accounts
    templates: Jinja2Templates
    hub: Hub = field(default_factory=Hub)  # live pages: the reader's changes to the streams


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    person_id: str | None

    @property
    def kind(self) -> str:
        return self.role.split(":", 1)[0]

    @property
    def department(self) -> str | None:
        return self.role.split(":", 1)[1] if ":" in self.role else None

    @property
    def caller(self) -> Caller:
        return Caller(self.role, self.person_id or self.username)

    @property
    def home(self) -> str:
        return HOME.get(self.kind, "/")


def make_templates(deps: ConsoleDeps, clock: Clock) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters["beijing"] = labels.beijing
    env.filters["left"] = lambda due: labels.time_left(due, clock.now())
    env.filters["duration"] = labels.duration
    env.filters["state"] = lambda c: labels.label(labels.STATES, c)
    env.filters["position"] = lambda c: labels.label(labels.POSITIONS, c)
    env.filters["priority"] = lambda c: labels.label(labels.PRIORITIES, c)
    env.filters["source"] = lambda c: labels.label(labels.SOURCES, c)
    env.filters["event"] = lambda c: labels.label(labels.EVENTS, c)
    env.filters["kind"] = lambda c: labels.label(labels.DEADLINE_KINDS, c)
    env.filters["clockstate"] = lambda c: labels.label(labels.CLOCK_STATES, c)
    env.filters["category"] = deps.category_label
    env.filters["dept"] = deps.department_name
    env.filters["person"] = deps.person_name
    env.filters["named"] = deps.named
    env.filters["reason"] = lambda text: deps.named(labels.reason(text))
    env.filters["masked"] = lambda p: mask_phone(p) if p else ""
    env.globals["role_label"] = labels.role_label
    return templates


Ctx = state.Context[ConsoleContext]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def current_user(request: Request, ctx: Ctx) -> User:
    """The account of a session the server still holds open: a cookie whose session was ended
    (sign-out, a password reset, a disabled account) or has expired signs in nobody."""
    token = request.session.get(SESSION_KEY)
    if not token:
        raise SignInNeeded
    async with ctx.db.transaction() as session:
        row = await SessionRepository(session).user_of(digest(str(token)), ctx.clock.now())
    if row is None or row.disabled:
        request.session.clear()
        raise SignInNeeded
    return _user(row)


def _user(row: UserRow) -> User:
    return User(row.username, row.display_name, row.role, row.person_id)


CurrentUser = Annotated[User, Depends(current_user)]


def require_kind(*kinds: str) -> Any:
    async def _check(user: CurrentUser) -> User:
        if user.kind not in (*kinds, "admin"):
            raise Forbidden(f"您的角色（{labels.role_label(user.role)}）无权打开此页面")
        return user

    return Depends(_check)


async def checked_form(request: Request) -> dict[str, str]:
    """Every form post carries the session's CSRF token; one without it is refused."""
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise Forbidden("表单校验失败（缺少或错误的 CSRF 令牌），请刷新页面后重新提交")
    return {k: v for k, v in form.items() if isinstance(v, str)}


Form = Annotated[dict[str, str], Depends(checked_form)]


def render(
    request: Request,
    ctx: ConsoleContext,
    template: str,
    user: User | None = None,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    values.update(
        request=request,
        user=user,
        csrf=csrf_token(request),
        now=ctx.clock.now(),
        flash=request.session.pop("flash", None),
    )
    return ctx.templates.TemplateResponse(request, template, values, status_code=status_code)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = {"kind": kind, "message": message}


def back_to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    ctx: ConsoleContext = state.context(request)
    return render(
        request, ctx, "error.html", status_code=status, title=title, message=message, code=status
    )


def service_error_page(request: Request, exc: ServiceError) -> Response:
    titles = {403: "无权访问", 404: "未找到", 409: "当前状态不允许此操作", 422: "填写有误"}
    title = titles.get(exc.status, "服务暂时不可用" if exc.status >= 500 else "请求被拒绝")
    status = exc.status if exc.status < 500 else 503
    message = "您所在部门无权查看或处理此工单" if exc.status == 403 else exc.message()
    return error_page(request, status, title, message)


def now_of(ctx: ConsoleContext) -> datetime:
    return ctx.clock.now()
