"""The hotline's pop-up on intake's side (issue 21), through the real broker: a ringing call the
PBX names operators for is published as CallRinging on gridline.activity with no number in it
(once per call and event: a resent newCall tells nobody twice), and the operator reads the
caller in full from GET /v1/calls/{call_id}, with the care register's flag; ops may not."""

import json

import pytest

from shared.topics import ACTIVITY
from tests.support.kafka import read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

PBX = token("pbx", "pbx-1")
OPERATOR = token("operator", "operator")
HEAD = token("head:USER_MAINTENANCE", "P-0200")
CALLER = "13906351234"


def ringing(call_id: str) -> dict[str, object]:
    return {
        "event": "newCall",
        "from": f"86{CALLER}",
        "to": "96568",
        "direction": "in",
        "callId": call_id,
        "user[]": ["operator"],
    }


async def test_a_named_operators_call_is_on_the_log_without_its_number(
    environment: Environment,
) -> None:
    async with run_system(environment, only=("intake",)) as system:
        care = await system.intake.post(
            "/v1/care-register",
            json={"name": "张大爷", "phone": CALLER, "reason": "独居老人"},
            headers=HEAD,
        )
        assert care.status_code == 201, care.text
        for _ in range(2):  # the PBX resends: one event
            sent = await system.intake.post("/v1/calls/events", data=ringing("c-77"), headers=PBX)
            assert sent.status_code == 200, sent.text
        anonymous = {**ringing("c-78"), "from": "anonymous", "user[]": []}
        assert (
            await system.intake.post("/v1/calls/events", data=anonymous, headers=PBX)
        ).is_success

        topic = environment.topics.activity
        assert topic.endswith(ACTIVITY)

        async def published() -> list[dict[str, object]]:
            found = [e for e in await read_json(environment.bootstrap, topic)]
            calls = [e for e in found if e.get("type") == "CallRinging"]
            assert calls, "not published yet"
            return calls

        calls = await eventually(published)
        assert len(calls) == 1, calls  # once; an unnamed call pops up for nobody
        assert calls[0]["payload"]["operators"] == ["operator"]  # type: ignore[index]
        assert calls[0]["payload"]["call_id"] == "c-77"  # type: ignore[index]
        assert CALLER[-4:] not in json.dumps(calls[0]), "the log carries no number"

        caller = await system.intake.get("/v1/calls/c-77", headers=OPERATOR)
        assert caller.status_code == 200, caller.text
        assert caller.json()["phone"] == CALLER
        assert caller.json()["care"] is True
        refused = await system.intake.get("/v1/calls/c-77", headers=token("ops", "P-0410"))
        assert refused.status_code == 403
        # Another operator, not named for this call, does not read the number either.
        other = await system.intake.get("/v1/calls/c-77", headers=token("operator", "op-2"))
        assert other.status_code == 403
        missing = await system.intake.get("/v1/calls/nope", headers=OPERATOR)
        assert missing.status_code == 404
