"""Reads and writes through the four services' public HTTP APIs, as the signed-in user.

The console owns no business data: each call carries a short-lived token for the user's own role
(signed with the services' token secret), so a service decides what this user may see or do
exactly as it would for a curl call."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from services.console.config import ConsoleSettings
from shared.auth import issue_token
from shared.clock import Clock
from shared.outbound import http_client

TOKEN_TTL = timedelta(minutes=5)
# The wall screen runs through a duty night on one credential; an ops read token for that long,
# never the signed-in user's own (possibly admin) role.
SCREEN_TOKEN_TTL = timedelta(hours=12)
SERVICE_NAMES = {
    "intake": "受理",
    "router": "派单",
    "sla": "时限",
    "scoring": "考核",
    "notify": "通知",
    "outreach": "外联",
}


@dataclass(frozen=True)
class Caller:
    """Who the console calls on behalf of: role and subject (person id or username)."""

    role: str
    subject: str


class ServiceError(Exception):
    def __init__(self, status: int, detail: Any, field: str | None = None) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail
        self.field = field

    def message(self) -> str:
        """The service's reason as a person can read it (the field and why)."""
        if isinstance(self.detail, list):
            return "；".join(f"{d.get('field', '')}: {d.get('reason', '')}" for d in self.detail)
        return str(self.detail)


class Services:
    def __init__(self, settings: ConsoleSettings, clock: Clock) -> None:
        self._secret = settings.token_secret
        self._clock = clock
        self.urls = {
            "intake": settings.intake_url.rstrip("/"),
            "router": settings.router_url.rstrip("/"),
            "sla": settings.sla_url.rstrip("/"),
            "scoring": settings.scoring_url.rstrip("/"),
            "notify": settings.notify_url.rstrip("/"),
            "outreach": settings.outreach_url.rstrip("/"),
        }
        self._http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._http = http_client(10.0)

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    def _headers(self, caller: Caller, now: datetime) -> dict[str, str]:
        token = issue_token(self._secret, caller.role, caller.subject, now, TOKEN_TTL)
        return {"Authorization": f"Bearer {token}"}

    def screen_token(self, caller: Caller) -> str:
        """The SLA wall screen's credential, handed over in the link's URL fragment (never
        sent to a server, never in a log): the console session opens it, no token pasted."""
        now = self._clock.now()
        return issue_token(self._secret, "ops", caller.subject, now, SCREEN_TOKEN_TTL)

    async def call(
        self,
        caller: Caller,
        service: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        assert self._http is not None, "Services.start() was not called"
        try:
            response = await self._http.request(
                method,
                self.urls[service] + path,
                params={k: v for k, v in (params or {}).items() if v not in (None, "")},
                json=json,
                headers=self._headers(caller, self._clock.now()),
            )
        except httpx.HTTPError as exc:
            raise ServiceError(
                503, f"{SERVICE_NAMES[service]}服务暂时无法连接，请稍后重试"
            ) from exc
        if response.status_code >= 400:
            try:
                body = response.json()
                detail, field = body.get("detail", body), body.get("field")
            except ValueError:
                detail, field = response.text[:300], None
            raise ServiceError(response.status_code, detail, field)
        return response

    async def get(self, caller: Caller, service: str, path: str, **params: Any) -> Any:
        return (await self.call(caller, service, "GET", path, params=params)).json()

    async def post(self, caller: Caller, service: str, path: str, body: Any) -> Any:
        return (await self.call(caller, service, "POST", path, json=body)).json()

    async def put(self, caller: Caller, service: str, path: str, body: Any) -> Any:
        return (await self.call(caller, service, "PUT", path, json=body)).json()
