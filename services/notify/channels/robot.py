"""企业微信 group robot: ``POST <webhook url>`` (``…/cgi-bin/webhook/send?key=KEY``) with
``{"msgtype":"text","text":{"content":…,"mentioned_mobile_list":[…]}}``, answered with
``{"errcode":0,"errmsg":"ok"}``. 45009 (over the robot's 20 messages a minute) and -1 are
transient; anything else (93000: invalid webhook url) is permanent."""

import httpx

from services.notify.channels import Outgoing, guarded, http_failure, json_body
from services.notify.domain.outcome import Outcome

PROVIDER = "企业微信群机器人"
TRANSIENT = {-1, 45009}


class WeComRobot:
    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self._client = client
        self._url = url

    async def send(self, msg: Outgoing) -> Outcome:
        async def call() -> Outcome:
            response = await self._client.post(
                self._url,
                json={"msgtype": "text", "text": {"content": msg.text_with_link()}},
            )
            failed = http_failure(response, PROVIDER)
            if failed is not None:
                return failed
            body = json_body(response, PROVIDER)
            if isinstance(body, Outcome):
                return body
            code = int(body.get("errcode", 0))
            if code == 0:
                return Outcome.sent()
            why = f"{PROVIDER}：{body.get('errmsg', '')}（errcode {code}）"
            return Outcome.transient(why) if code in TRANSIENT else Outcome.permanent(why)

        return await guarded(PROVIDER, call)
