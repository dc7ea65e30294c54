"""Notify wakes the person the router has on a team's duty (issue 19), through the real broker
and databases: a head swaps tonight's duty in the router (立即生效), a 12345 order arrives already
late, and its 转来时已超时 notice reaches the swapped-in person — not the one the organisation
file's rotation puts on duty, whom notify used to wake."""

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from services.router.config import RouterSettings, load_deps
from services.router.domain.roster import Roster
from shared.clock import LOCAL_TZ
from tests.integration.test_intake_sources import OPERATOR, example
from tests.integration.test_notify_discipline import clocks, notifications
from tests.support.kafka import events_of
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 27, 9, 21, tzinfo=LOCAL_TZ)  # the clocks of test_notify_discipline
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")


def files_person_and_another() -> tuple[str, str]:
    deps = load_deps(RouterSettings())
    files = Roster.from_org(deps.org, deps.calendar).on_duty("UM-T1", NOW)
    assert files is not None
    team = next(t for t in deps.org.teams if t.code == "UM-T1")
    return files, next(p for p in team.on_duty_rotation if p != files)


async def test_a_late_orders_notice_reaches_the_person_a_swap_put_on_duty(
    environment: Environment, tmp_path: Path
) -> None:
    files, swapped_in = files_person_and_another()
    async with run_system(
        environment,
        clocks=clocks("intake", "router"),
        only=("intake", "router", "notify"),
        overrides={"intake": {"var_dir": tmp_path}},
    ) as system:
        assert system.notify is not None
        swap = {
            "swaps": [{"date": NOW.date().isoformat(), "person": swapped_in, "reason": "调班"}],
            "immediate": True,
            "note": "今晚换班",
        }
        saved = await system.router.put("/v1/roster/swaps/UM-T1", json=swap, headers=UM_HEAD)
        assert saved.status_code == 200, saved.text
        body = {
            **example("12345_order.json"),
            "orderNo": "LC12345-SWAP-001",
            "acceptTime": "2026-11-24 09:00:00",
            "deadline": "2026-11-27 08:21:00",  # ran out an hour before intake
        }
        reply = await system.intake.post("/v1/orders/12345", json=body, headers=OPERATOR)
        assert reply.status_code == 201, reply.text
        order_id = reply.json()["order_id"]

        async def the_notice() -> list[dict[str, Any]]:
            told = await notifications(system.notify, order_id)  # type: ignore[arg-type]
            late = [d for d in told if d["notice"] == "late_on_arrival"]
            assert late, told
            return late

        late = await eventually(the_notice, within=60)
        assert {d["person_id"] for d in late} == {swapped_in}
        told = await notifications(system.notify, order_id)
        assert files not in {d["person_id"] for d in told}, told
        (dispatch,) = await events_of(
            environment.bootstrap, environment.topics.orders, order_id, "OrderDispatched"
        )
        named = dispatch["payload"]["team_duty"][0]
        assert (named["duty_date"], named["person_id"]) == (NOW.date().isoformat(), swapped_in)
