"""SMS in the shape of Aliyun's SendSms (dysmsapi, RPC style, 2017-05-25): the parameters
``PhoneNumbers``, ``SignName``, ``TemplateCode`` and ``TemplateParam`` (a JSON object of the
template's variables), signed with HMAC-SHA1 over the sorted, percent-encoded parameters.
The answer is ``{"Code":"OK","Message":"OK","BizId":…,"RequestId":…}``; throttling and system
errors are transient, any other Code (``isv.MOBILE_NUMBER_ILLEGAL``…) is permanent."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from services.notify.channels import Outgoing, guarded, http_failure, json_body
from services.notify.domain.outcome import Outcome

PROVIDER = "短信"
TRANSIENT = {"isp.SYSTEM_ERROR", "isv.BUSINESS_LIMIT_CONTROL", "Throttling", "Throttling.User"}


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")


def signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{_encode(k)}={_encode(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{_encode('/')}&{_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        key_id: str,
        secret: str,
        sign_name: str,
    ) -> None:
        self._client = client
        self._url = base_url.rstrip("/") + "/"
        self._key_id = key_id
        self._secret = secret
        self._sign_name = sign_name

    def request(self, msg: Outgoing, now: datetime) -> dict[str, str]:
        params = {
            "AccessKeyId": self._key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": msg.target,
            "RegionId": "cn-hangzhou",
            "SignName": self._sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": str(uuid.uuid4()),
            "SignatureVersion": "1.0",
            "TemplateCode": msg.sms_template,
            "TemplateParam": json.dumps(msg.sms_params, ensure_ascii=False),
            "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = signature(params, self._secret)
        return params

    async def send(self, msg: Outgoing) -> Outcome:
        async def call() -> Outcome:
            response = await self._client.post(self._url, data=self.request(msg, datetime.now(UTC)))
            body = json_body(response, PROVIDER)
            if isinstance(body, Outcome):
                return http_failure(response, PROVIDER) or body
            code = str(body.get("Code", ""))
            if code == "OK":
                return Outcome.sent(str(body.get("BizId", "")))
            if response.status_code >= 500 and not code:
                return Outcome.transient(f"{PROVIDER}：HTTP {response.status_code}")
            why = f"{PROVIDER}：{body.get('Message', '')}（{code}）"
            return Outcome.transient(why) if code in TRANSIENT else Outcome.permanent(why)

        return await guarded(PROVIDER, call)
