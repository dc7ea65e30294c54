"""What a person reads when a request is refused (issue 21), through the real broker and
databases: intake's 12345 and 96568 bodies and the router's commands are refused in Chinese,
naming the field by its Chinese name and saying what it expects, the machine-readable ``field``
as before; an order's state is said by its Chinese name; a 预约上门 in the past is refused."""

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.clock import LOCAL_TZ, ManualClock
from shared.contracts import OrderReceived
from tests.conftest import load_example
from tests.support.builders import order_received
from tests.support.kafka import produce
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
OPERATOR = token("operator")
UM = token("department:USER_MAINTENANCE", "W-0301")
PHONE_RULE = "手机号应为 11 位数字（1 开头），固定电话如 0635-8212345 或 8212345"


def reasons(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "invalid"
    assert body["field"] == body["detail"][0]["field"]
    return {d["field"]: d["reason"] for d in body["detail"]}


async def test_intake_refuses_bad_hotline_bodies_naming_each_field_in_chinese(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    call_96568: dict[str, Any] = load_example("96568_call.json")
    async with run_system(environment, only=("intake",)) as system:
        intake = system.intake
        bad_12345 = {**order_12345, "callerPhone": "635-12", "urgency": "马上"}
        bad_12345.pop("address")
        said = reasons(await intake.post("/v1/orders/12345", json=bad_12345, headers=OPERATOR))
        assert said == {
            "callerPhone": f"来电号码：{PHONE_RULE}",
            "urgency": "紧急程度：应为 一般、紧急 或 特急 之一",
            "address": "地址：必填",
        }

        bad_96568 = {
            **call_96568,
            "customer": {**call_96568["customer"], "phone": "139-0635"},
            "description": "水" * 4001,
            "received_at": "昨天",
        }
        said = reasons(await intake.post("/v1/orders/96568", json=bad_96568, headers=OPERATOR))
        assert said == {
            "customer.phone": f"来电号码：{PHONE_RULE}",
            "description": "诉求内容：最多 4000 字",
            "received_at": "受理时间：应为日期时间，如 2026-03-05T09:30:00+08:00",
        }

        batch = [order_12345, {**order_12345, "orderNo": ""}]
        said = reasons(await intake.post("/v1/orders/12345/batch", json=batch, headers=OPERATOR))
        assert said == {"1.orderNo": "第 2 条 12345 工单编号：不能为空"}


async def test_the_router_refuses_bad_commands_in_chinese_and_an_appointment_in_the_past(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with run_system(environment, clocks={"router": clock}, only=("router",)) as system:
        router = system.router
        event: OrderReceived = order_received("GL-ZH-1", WEDNESDAY_10)
        await produce(
            environment.bootstrap,
            environment.topics.orders,
            event.model_dump_json().encode(),
            key=event.order_id.encode(),
        )

        async def in_inbox() -> None:
            inbox = (await router.get("/v1/inbox", headers=UM)).json()
            assert [i["order_id"] for i in inbox["items"]] == ["GL-ZH-1"]

        await eventually(in_inbox)

        unsigned = await router.post(
            "/v1/orders/GL-ZH-1/appointment",
            json={"appointment_at": (WEDNESDAY_10 + timedelta(hours=2)).isoformat()},
            headers=UM,
        )
        assert unsigned.status_code == 409
        assert unsigned.json()["detail"] == "不能预约：工单当前状态为待签收"
        missing = await router.get("/v1/orders/NOPE", headers=UM)
        assert (missing.status_code, missing.json()["detail"]) == (404, "没有工单 NOPE")

        signed = await router.post("/v1/orders/GL-ZH-1/acknowledge", headers=UM)
        assert signed.status_code == 200, signed.text

        said = reasons(
            await router.post(
                "/v1/orders/GL-ZH-1/appointment",
                json={"appointment_at": "2026-12-02 15:00", "requested_by": "boss"},
                headers=UM,
            )
        )
        assert said == {
            "appointment_at": "预约上门时间：须带时区，如 2026-03-05T09:30:00+08:00（北京时间）",
            "requested_by": "改约提出方：应为 caller（来电人） 或 utility（供水方）",
        }
        said = reasons(
            await router.post(
                "/v1/orders/GL-ZH-1/extension",
                json={"extra_working_days": 0, "reason": ""},
                headers=UM,
            )
        )
        assert said == {"extra_working_days": "延期工作日：不能小于 1", "reason": "理由：不能为空"}

        past = await router.post(
            "/v1/orders/GL-ZH-1/appointment",
            json={"appointment_at": "2020-03-05T09:30:00+08:00"},
            headers=UM,
        )
        assert past.status_code == 422
        assert past.json() == {
            "error": "appointment_in_past",
            "detail": "预约上门时间 2020-03-05 09:30（北京时间）已过，"
            "请约定晚于现在（2026-12-02 10:00）的时间",
            "field": "appointment_at",
        }
        order = (await router.get("/v1/orders/GL-ZH-1", headers=UM)).json()
        assert order["appointment_at"] is None

        later = (WEDNESDAY_10 + timedelta(hours=2)).isoformat()
        agreed = await router.post(
            "/v1/orders/GL-ZH-1/appointment", json={"appointment_at": later}, headers=UM
        )
        assert agreed.status_code == 200, agreed.text


async def test_what_is_not_there_or_not_understood_is_said_in_chinese(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    async with run_system(environment, only=("intake", "sla", "scoring")) as system:
        ops = token("ops")
        missing = await system.intake.get("/v1/orders/NOPE", headers=OPERATOR)
        assert (missing.status_code, missing.json()["detail"]) == (404, "没有工单 NOPE")
        empty = await system.intake.post("/v1/orders/12345/batch", json=[], headers=OPERATOR)
        assert (empty.status_code, empty.json()["detail"]) == (422, "批量提交至少要有一条")
        clocks = await system.sla.get("/v1/sla/orders/NOPE", headers=ops)
        assert (clocks.status_code, clocks.json()["detail"]) == (404, "工单 NOPE 没有计时")
        month = await system.scoring.get("/v1/scores/2026-13", headers=ops)
        assert month.status_code == 422
        assert (
            month.json()["detail"]
            == "月份应为年月，如 2026-03（下载加 .xlsx 或 .csv），收到 2026-13"
        )
        assert month.json()["field"] == "month"
        unsigned = await system.intake.get("/v1/orders/NOPE")
        assert unsigned.status_code == 401
        assert unsigned.json()["detail"].startswith("缺少凭据，请先登录")
