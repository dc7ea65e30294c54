"""12345's 催办 and 督办 reach the order's holder and their head at once (issue 20), through the
real broker on both databases: intake takes the platform's message, notify tells both people
by the rules in config/notify.yaml (the local receiver, no credentials) and lists it on the
order."""

from typing import Any

import pytest

from tests.integration.test_followup_flow import (
    OPERATOR,
    ORDER_DAY_0930,
    dispatches,
    followup,
    post,
)
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, System, run_system, token

pytestmark = pytest.mark.integration

OPS = token("ops", "P-0410")
HOLDER, HEAD = "W-0301", "P-0200"  # the A post of the order's grid, and USER_MAINTENANCE's head


async def told(system: System, order_id: str, notice: str) -> list[dict[str, Any]]:
    assert system.notify is not None
    shown = await system.notify.get(f"/v1/orders/{order_id}/notifications", headers=OPS)
    assert shown.status_code == 200, shown.text
    return [d for d in shown.json() if d["notice"] == notice]


async def texts(system: System, order_id: str, person: str) -> list[str]:
    assert system.notify is not None
    page = await system.notify.get(f"/v1/messages?order_id={order_id}&person={person}", headers=OPS)
    return [str(m["text"]) for m in page.json()["items"]]


async def test_an_urge_and_a_supervision_reach_the_holder_and_the_head_at_once(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "notify")
    clocks = {name: clock for name in only}
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        created = await system.intake.post("/v1/orders/12345", json=order_12345, headers=OPERATOR)
        assert created.status_code == 201, created.text
        order_id = created.json()["order_id"]

        async def dispatched() -> None:
            assert [d["assignee_id"] for d in await dispatches(system, order_id)] == [HOLDER]

        await eventually(dispatched)
        order_no = order_12345["orderNo"]
        urged = await post(system.intake, order_no, followup("urge.json"))
        assert (urged.status_code, urged.json()["events"]) == (201, ["OrderUrged"])

        async def both_told_of_the_urge() -> None:
            assert {d["person_id"] for d in await told(system, order_id, "urged")} == {HOLDER, HEAD}

        await eventually(both_told_of_the_urge)
        urge_messages = {
            (d["person_id"], d["channel"]) for d in await told(system, order_id, "urged")
        }

        async def holder_reads_why() -> None:  # the caller's words as the platform sent them
            assert any("3号楼前仍在冒水" in t for t in await texts(system, order_id, HOLDER))

        await eventually(holder_reads_why)

        # A resent 催办 is no second message; a 督办 is news, with its answer deadline.
        await post(system.intake, order_no, followup("urge.json"))
        supervised = await post(system.intake, order_no, followup("supervise.json"))
        assert supervised.json()["events"] == ["OrderSupervised"], supervised.text

        async def both_told_of_the_supervision() -> list[dict[str, Any]]:
            to_them = await told(system, order_id, "supervised")
            assert {d["person_id"] for d in to_them} == {HOLDER, HEAD}
            return to_them

        to_them = await eventually(both_told_of_the_supervision)
        assert {d["channel"] for d in to_them} == {"wecom_app", "sms"}  # 督办 goes by SMS too

        async def head_reads_the_answer_deadline() -> None:
            heads = await texts(system, order_id, HEAD)
            assert any("督办答复时限：11月28日 12:00" in t for t in heads), heads

        await eventually(head_reads_the_answer_deadline)
        again = await told(system, order_id, "urged")
        assert len(again) == len(urge_messages)  # one message per person and channel
        assert {(d["person_id"], d["channel"]) for d in again} == urge_messages
