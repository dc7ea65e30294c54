"""The channels: 企业微信 application messages and group robots, an SMS provider, a generic
webhook, and the built-in local receiver. Each speaks its provider's documented protocol over
real HTTP and answers with an ``Outcome``; none retries by itself (the delivery job does)."""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from services.notify.domain.outcome import Outcome


@dataclass(frozen=True)
class Outgoing:
    key: str
    channel: str
    notice: str
    person_id: str
    person_name: str
    target: str
    title: str
    text: str
    link: str
    order_id: str | None
    sms_template: str = ""
    sms_params: dict[str, str] = field(default_factory=dict)

    def text_with_link(self) -> str:
        return f"{self.title}\n{self.text}" + (f"\n查看并签收：{self.link}" if self.link else "")


class Channel(Protocol):
    async def send(self, msg: Outgoing) -> Outcome: ...


def http_failure(response: httpx.Response, provider: str) -> Outcome | None:
    """5xx is the provider's trouble (try again); another non-2xx is ours (do not)."""
    if response.status_code >= 500:
        return Outcome.transient(f"{provider}：HTTP {response.status_code}")
    if response.status_code >= 300:
        return Outcome.permanent(f"{provider}：HTTP {response.status_code}")
    return None


def json_body(response: httpx.Response, provider: str) -> dict[str, Any] | Outcome:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return Outcome.transient(f"{provider}：应答不是 JSON")
    if not isinstance(body, dict):
        return Outcome.transient(f"{provider}：应答不是 JSON 对象")
    return body


async def guarded(provider: str, call: Callable[[], Awaitable[Outcome]]) -> Outcome:
    """Timeouts and connection failures are transient."""
    try:
        return await call()
    except httpx.TimeoutException:
        return Outcome.transient(f"{provider}：请求超时")
    except httpx.TransportError as exc:
        return Outcome.transient(f"{provider}：连接失败 {type(exc).__name__}")
