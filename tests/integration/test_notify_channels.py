"""Each channel against its local stand-in over real HTTP: the providers' documented answers
become sent, transient (tried again) or permanent (not tried again)."""

from dataclasses import replace

import httpx
import pytest

from gridline.broker import free_port
from services.notify.channels import Outgoing
from services.notify.channels.robot import WeComRobot
from services.notify.channels.sms import AliyunSms
from services.notify.channels.wecom import WeComApp
from tests.support.providers import (
    AGENT_ID,
    CORP_ID,
    CORP_SECRET,
    SMS_KEY_ID,
    SMS_KEY_SECRET,
    running_providers,
)

pytestmark = pytest.mark.integration

MESSAGE = Outgoing(
    key="k1",
    channel="wecom_app",
    notice="dispatched",
    person_id="W-0301",
    person_name="褚建国",
    target="w0301",
    title="新工单待签收",
    text="工单：GL-1\n地址：水城花园5号楼",
    link="http://127.0.0.1:8105/l/token",
    order_id="GL-1",
    sms_template="SMS_GL_DISPATCHED",
    sms_params={"address": "水城花园5号楼", "category": "漏水", "deadline": "—", "link": "x"},
)


async def test_wecom_fetches_a_new_token_when_its_token_has_expired() -> None:
    async with running_providers() as p, httpx.AsyncClient(timeout=5) as client:
        wecom = WeComApp(client, p.base_url, CORP_ID, CORP_SECRET, AGENT_ID)
        assert (await wecom.send(MESSAGE)).kind == "sent"
        p.tokens.clear()  # the corp revoked or expired it
        assert (await wecom.send(MESSAGE)).kind == "sent"
        assert len(p.wecom_to("w0301")) == 2
        card = p.wecom_messages[0]
        assert (card["msgtype"], card["agentid"], card["textcard"]["url"]) == (
            "textcard",
            AGENT_ID,
            MESSAGE.link,
        )


async def test_wecom_busy_and_rate_limits_are_transient_unknown_users_permanent() -> None:
    async with running_providers() as p, httpx.AsyncClient(timeout=5) as client:
        wecom = WeComApp(client, p.base_url, CORP_ID, CORP_SECRET, AGENT_ID)
        p.script = [
            (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
            (502, {}),
            (200, {"errcode": 60111, "errmsg": "userid not found"}),
        ]
        assert (await wecom.send(MESSAGE)).kind == "transient"
        assert (await wecom.send(MESSAGE)).kind == "transient"
        unknown = await wecom.send(MESSAGE)
        assert (unknown.kind, unknown.detail) == (
            "permanent",
            "企业微信：UserID不存在（errcode 60111）",
        )
        bad_secret = WeComApp(client, p.base_url, CORP_ID, "wrong", AGENT_ID)
        assert (await bad_secret.send(MESSAGE)).kind == "permanent"
        nobody_there = WeComApp(client, f"http://127.0.0.1:{free_port()}", CORP_ID, "s", 1)
        assert (await nobody_there.send(MESSAGE)).kind == "transient"


async def test_the_group_robot_with_a_wrong_key_is_permanent() -> None:
    async with running_providers() as p, httpx.AsyncClient(timeout=5) as client:
        good = WeComRobot(client, f"{p.base_url}/cgi-bin/webhook/send?key=robot-key")
        bad = WeComRobot(client, f"{p.base_url}/cgi-bin/webhook/send?key=nope")
        assert (await good.send(MESSAGE)).kind == "sent"
        assert (await bad.send(MESSAGE)).kind == "permanent"
        assert "查看并签收：http://127.0.0.1:8105/l/token" in p.robot_messages[0]["text"]["content"]


async def test_sms_is_signed_as_the_provider_checks_it_and_a_bad_secret_is_permanent() -> None:
    async with running_providers() as p, httpx.AsyncClient(timeout=5) as client:
        sms = AliyunSms(client, f"{p.base_url}/sms", SMS_KEY_ID, SMS_KEY_SECRET, "聊城润达供水")
        sent = await sms.send(replace(MESSAGE, channel="sms", target="13806350301"))
        assert (sent.kind, sent.provider_ref) == ("sent", "900619746936498440^0")
        (received,) = p.sms_messages
        assert (received["PhoneNumbers"], received["TemplateCode"]) == (
            "13806350301",
            "SMS_GL_DISPATCHED",
        )
        assert '"address": "水城花园5号楼"' in received["TemplateParam"]
        forged = AliyunSms(client, f"{p.base_url}/sms", SMS_KEY_ID, "wrong", "聊城润达供水")
        refused = await forged.send(MESSAGE)
        assert (refused.kind, "SignatureDoesNotMatch" in refused.detail) == ("permanent", True)
