"""Notify wakes the person the router has on a team's duty (issue 19), through the real broker
and databases: a head swaps tonight's duty in the router (立即生效), a 12345 order arrives already
late, and its 转来时已超时 notice reaches the swapped-in person — not the one the organisation
file's rotation puts on duty, whom notify used to wake. A swap made after an order's dispatch is
told to notify at once (``TeamDutyNamed``): the order's red card wakes the swapped-in person."""

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from services.notify.store import TeamDutyRepository
from services.router.config import RouterSettings, load_deps
from services.router.domain.roster import Roster
from shared.clock import LOCAL_TZ
from shared.contracts import SlaBreached, SlaBreachedPayload
from tests.integration.test_intake_sources import OPERATOR, example
from tests.integration.test_notify_discipline import clocks, notifications, notify_db
from tests.support.kafka import events_of, produce
from tests.support.polling import eventually
from tests.support.system import Environment, System, run_system, token

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 27, 9, 21, tzinfo=LOCAL_TZ)  # the clocks of test_notify_discipline
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")


def files_person_and_another() -> tuple[str, str]:
    deps = load_deps(RouterSettings())
    files = Roster.from_org(deps.org, deps.calendar).on_duty("UM-T1", NOW)
    assert files is not None
    team = next(t for t in deps.org.teams if t.code == "UM-T1")
    return files, next(p for p in team.on_duty_rotation if p != files)


def swap_to(person: str) -> dict[str, Any]:
    return {
        "swaps": [{"date": NOW.date().isoformat(), "person": person, "reason": "调班"}],
        "immediate": True,
        "note": "今晚换班",
    }


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
        swap = swap_to(swapped_in)
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


async def notify_knows_on_duty(system: System, person: str) -> None:
    async with notify_db(system).transaction() as session:
        days = await TeamDutyRepository(session).days("UM-T1")
    assert days and days[0]["person_id"] == person, days


async def test_a_swap_after_the_dispatch_decides_who_the_red_card_wakes(
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
        body = {**example("12345_order.json"), "orderNo": "LC12345-SWAP-002"}
        reply = await system.intake.post("/v1/orders/12345", json=body, headers=OPERATOR)
        assert reply.status_code == 201, reply.text
        order_id = reply.json()["order_id"]
        await eventually(lambda: notify_knows_on_duty(system, files), within=60)

        swap = swap_to(swapped_in)
        saved = await system.router.put("/v1/roster/swaps/UM-T1", json=swap, headers=UM_HEAD)
        assert saved.status_code == 200, saved.text
        await eventually(lambda: notify_knows_on_duty(system, swapped_in), within=60)

        # The SLA's red card for the order, hours after its dispatch (no order since).
        payload = SlaBreachedPayload(deadline="resolve", due=NOW)
        card = SlaBreached(order_id=order_id, occurred_at=NOW, producer="sla", payload=payload)
        topic = environment.topics.orders
        await produce(
            environment.bootstrap, topic, card.model_dump_json().encode(), order_id.encode()
        )

        async def the_card() -> set[str]:
            told = await notifications(system.notify, order_id)  # type: ignore[arg-type]
            people = {d["person_id"] for d in told if d["notice"] == "red_card"}
            assert swapped_in in people, told
            return people

        people = await eventually(the_card, within=60)
        assert files not in people
