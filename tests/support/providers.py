"""Local stand-ins for the outside providers notify talks to, over real HTTP: 企业微信 (gettoken,
message/send, group robot) and an Aliyun-shaped SendSms. They check requests as the providers
document them, answer in the providers' shapes, record what they accepted, and can be told to
fail (a scripted answer per call, or users they do not know)."""

import asyncio
import base64
import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gridline.broker import free_port
from tests.support.polling import eventually

CORP_ID = "ww-gridline-test"
CORP_SECRET = "wecom-app-secret-for-tests"
AGENT_ID = 1000002
SMS_KEY_ID = "LTAI-test-key"
SMS_KEY_SECRET = "sms-secret-for-tests"


@dataclass
class Providers:
    base_url: str = ""
    wecom_messages: list[dict[str, Any]] = field(default_factory=list)
    wecom_attempts: list[dict[str, Any]] = field(default_factory=list)
    robot_messages: list[dict[str, Any]] = field(default_factory=list)
    sms_messages: list[dict[str, str]] = field(default_factory=list)
    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """Answers for the next message/send calls, in order, before the normal behaviour."""
    unknown_users: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)

    def wecom_to(self, user: str) -> list[dict[str, Any]]:
        return [m for m in self.wecom_messages if m["touser"] == user]

    def settings(self) -> dict[str, Any]:
        """notify's settings that point it at these stand-ins."""
        return {
            "wecom_base_url": self.base_url,
            "wecom_corp_id": CORP_ID,
            "wecom_corp_secret": CORP_SECRET,
            "wecom_agent_id": AGENT_ID,
            "wecom_robot_url": f"{self.base_url}/cgi-bin/webhook/send?key=robot-key",
            "sms_base_url": f"{self.base_url}/sms",
            "sms_access_key_id": SMS_KEY_ID,
            "sms_access_key_secret": SMS_KEY_SECRET,
            "sms_sign_name": "聊城润达供水",
        }


def _aliyun_signature(params: dict[str, str]) -> str:
    def enc(v: str) -> str:
        return quote(v, safe="-_.~")

    query = "&".join(f"{enc(k)}={enc(params[k])}" for k in sorted(params) if k != "Signature")
    string_to_sign = "POST&%2F&" + enc(query)
    mac = hmac.new(f"{SMS_KEY_SECRET}&".encode(), string_to_sign.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def _app(p: Providers) -> FastAPI:
    app = FastAPI()

    @app.get("/cgi-bin/gettoken")
    async def gettoken(corpid: str = "", corpsecret: str = "") -> dict[str, Any]:
        if (corpid, corpsecret) != (CORP_ID, CORP_SECRET):
            return {"errcode": 40001, "errmsg": "invalid credential"}
        token = secrets.token_hex(16)
        p.tokens.add(token)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    @app.post("/cgi-bin/message/send")
    async def send(request: Request, access_token: str = "") -> JSONResponse:
        if access_token not in p.tokens:
            return JSONResponse({"errcode": 40014, "errmsg": "invalid access_token"})
        body = await request.json()
        p.wecom_attempts.append(body)
        if body.get("agentid") != AGENT_ID or body.get("msgtype") not in ("text", "textcard"):
            return JSONResponse({"errcode": 40056, "errmsg": "invalid agentid"})
        if p.script:
            status, answer = p.script.pop(0)
            return JSONResponse(answer, status_code=status)
        if body.get("touser") in p.unknown_users:
            return JSONResponse(
                {
                    "errcode": 81013,
                    "errmsg": "user & party & tag all invalid",
                    "invaliduser": body["touser"],
                }
            )
        p.wecom_messages.append(body)
        return JSONResponse({"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "m1"})

    @app.post("/cgi-bin/webhook/send")
    async def robot(request: Request, key: str = "") -> dict[str, Any]:
        body = await request.json()
        if key != "robot-key":
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        p.robot_messages.append(body)
        return {"errcode": 0, "errmsg": "ok"}

    @app.post("/sms/")
    async def sms(request: Request) -> dict[str, Any]:
        params = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        if params.get("Signature") != _aliyun_signature(params):
            return {"Code": "SignatureDoesNotMatch", "Message": "signature is not matched"}
        if params.get("Action") != "SendSms" or not params.get("TemplateCode"):
            return {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法"}
        p.sms_messages.append(params)
        return {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r"}

    return app


@asynccontextmanager
async def running_providers() -> AsyncIterator[Providers]:
    providers = Providers()
    port = free_port()
    providers.base_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        # log_config=None: uvicorn's own logging setup would replace the process's (masking) one.
        uvicorn.Config(
            _app(providers), host="127.0.0.1", port=port, log_config=None, lifespan="off"
        )
    )
    task = asyncio.create_task(server.serve())

    async def started() -> None:
        assert server.started

    await eventually(started, within=10, every=0.05)
    try:
        yield providers
    finally:
        server.should_exit = True
        await task
