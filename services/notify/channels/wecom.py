"""企业微信 application messages: ``GET /cgi-bin/gettoken`` then ``POST /cgi-bin/message/send``.

Documented shapes: gettoken answers ``{"errcode":0,"errmsg":"ok","access_token":…,
"expires_in":7200}``; message/send takes ``{"touser","msgtype":"textcard","agentid","textcard":
{"title","description","url","btntxt"},"enable_duplicate_check":1,…}`` and answers
``{"errcode":0,"errmsg":"ok","invaliduser":"","msgid":…}``. An expired or invalid token
(42001, 40014) is fetched again once; -1 (busy), 45009 and 45033 (rate limits) are transient;
any other errcode, or a user listed in ``invaliduser``, is permanent.
"""

import time
from typing import Any

import httpx

from services.notify.channels import Outgoing, guarded, http_failure, json_body
from services.notify.domain.outcome import Outcome

PROVIDER = "企业微信"
TRANSIENT = {-1, 45009, 45033}
TOKEN_EXPIRED = {40014, 42001, 42007, 42009}
KNOWN = {
    40003: "无效的UserID",
    60111: "UserID不存在",
    81013: "UserID、部门ID、标签ID全部非法或无权限",
    40056: "不合法的agentid",
    40001: "不合法的secret",
    40013: "不合法的CorpID",
}


def describe(errcode: int, errmsg: str) -> str:
    return f"{PROVIDER}：{KNOWN.get(errcode, errmsg)}（errcode {errcode}）"


class WeComApp:
    def __init__(
        self, client: httpx.AsyncClient, base_url: str, corp_id: str, secret: str, agent_id: int
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._corp_id = corp_id
        self._secret = secret
        self._agent_id = agent_id
        self._token: str | None = None
        self._expires = 0.0

    async def _access_token(self) -> str | Outcome:
        if self._token is not None and time.monotonic() < self._expires:
            return self._token
        response = await self._client.get(
            f"{self._base}/cgi-bin/gettoken",
            params={"corpid": self._corp_id, "corpsecret": self._secret},
        )
        failed = http_failure(response, PROVIDER)
        if failed is not None:
            return failed
        body = json_body(response, PROVIDER)
        if isinstance(body, Outcome):
            return body
        code = int(body.get("errcode", 0))
        if code != 0:
            why = describe(code, str(body.get("errmsg", "")))
            return Outcome.transient(why) if code in TRANSIENT else Outcome.permanent(why)
        self._token = str(body["access_token"])
        # Renewed a little early: a token that expires in flight costs a round trip.
        self._expires = time.monotonic() + max(60, int(body.get("expires_in", 7200)) - 300)
        return self._token

    def _message(self, msg: Outgoing) -> dict[str, Any]:
        description = msg.text.replace("\n", "<br>")
        return {
            "touser": msg.target,
            "msgtype": "textcard",
            "agentid": self._agent_id,
            "textcard": {
                "title": msg.title,
                "description": description,
                "url": msg.link or "https://work.weixin.qq.com",
                "btntxt": "查看并签收",
            },
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 1800,
        }

    async def _send_once(self, msg: Outgoing) -> tuple[Outcome, bool]:
        """The outcome, and whether the token had expired (fetch it again and resend)."""
        token = await self._access_token()
        if isinstance(token, Outcome):
            return token, False
        response = await self._client.post(
            f"{self._base}/cgi-bin/message/send",
            params={"access_token": token},
            json=self._message(msg),
        )
        failed = http_failure(response, PROVIDER)
        if failed is not None:
            return failed, False
        body = json_body(response, PROVIDER)
        if isinstance(body, Outcome):
            return body, False
        code = int(body.get("errcode", 0))
        if code in TOKEN_EXPIRED:
            self._token = None
            return Outcome.transient(describe(code, str(body.get("errmsg", "")))), True
        if code in TRANSIENT:
            return Outcome.transient(describe(code, str(body.get("errmsg", "")))), False
        if code != 0:
            return Outcome.permanent(describe(code, str(body.get("errmsg", "")))), False
        if body.get("invaliduser"):
            return Outcome.permanent(f"{PROVIDER}：用户不存在或不在应用可见范围"), False
        return Outcome.sent(str(body.get("msgid", ""))), False

    async def send(self, msg: Outgoing) -> Outcome:
        async def call() -> Outcome:
            outcome, expired = await self._send_once(msg)
            if expired:
                outcome, _ = await self._send_once(msg)
            return outcome

        return await guarded(PROVIDER, call)
