"""A 12345 leak order left alone, through the real broker: a yellow card, then red cards naming
the department, and the numbers the operations room reads."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.clock import LOCAL_TZ, Clock, ManualClock
from tests.support.clocks import RunningClock
from tests.support.kafka import events_of
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

OPS = token("ops")
OPERATOR = token("operator")
# The example order was accepted at 09:15:32 on Friday 2026-11-27 with a platform deadline 24 h
# later; the SLA service's clock is moved by hand, the others run from 09:30 that day.
ACCEPTED = datetime(2026, 11, 27, 9, 15, 32, tzinfo=LOCAL_TZ)
START = datetime(2026, 11, 27, 9, 30, tzinfo=LOCAL_TZ)


async def test_an_order_left_alone_gets_yellow_then_red_cards_and_shows_in_the_numbers(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    sla_clock = ManualClock(START)
    running = RunningClock(START)
    clocks: dict[str, Clock] = {"intake": running, "router": running, "sla": sla_clock}
    async with run_system(
        environment,
        clocks=clocks,
        only=("intake", "router", "sla"),
    ) as system:
        created = await system.intake.post("/v1/orders/12345", json=order_12345, headers=OPERATOR)
        assert created.status_code == 201, created.text
        order_id = created.json()["order_id"]

        async def timed() -> list[dict[str, Any]]:
            risk = (await system.sla.get("/v1/sla/at-risk", headers=OPS)).json()["items"]
            assert {(i["kind"], i["department"]) for i in risk} == {
                ("acknowledge", "USER_MAINTENANCE"),
                ("arrive", "USER_MAINTENANCE"),
                ("resolve", "USER_MAINTENANCE"),
                ("reply", "USER_MAINTENANCE"),
            }, risk
            return list(risk)

        risk = await eventually(timed)
        acknowledge = next(i for i in risk if i["kind"] == "acknowledge")
        assert acknowledge["seconds_left"] == int(
            (ACCEPTED + timedelta(minutes=30) - START).total_seconds()
        )
        # Repair in 24 h (policy) and the platform's own 24 h: both shown, the earlier governs.
        resolve = next(i for i in risk if i["kind"] == "resolve")
        assert datetime.fromisoformat(resolve["platform_due"]) == ACCEPTED + timedelta(hours=24)
        assert datetime.fromisoformat(resolve["policy_due"]) == ACCEPTED + timedelta(hours=24)
        # The reply: 5 working days by policy, but the platform wants it within 24 h.
        reply = next(i for i in risk if i["kind"] == "reply")
        assert datetime.fromisoformat(reply["due"]) == ACCEPTED + timedelta(hours=24)
        assert datetime.fromisoformat(reply["policy_due"]) == ACCEPTED + timedelta(days=7)

        # Another department sees none of it.
        billing = token("department:BILLING")
        other = await system.sla.get("/v1/sla/at-risk", headers=billing)
        assert other.json()["items"] == []
        assert (
            await system.sla.get(f"/v1/sla/orders/{order_id}", headers=billing)
        ).status_code == 404

        # The order's clocks, and the department holding it, timed on its own.
        detail = (
            await system.sla.get(
                f"/v1/sla/orders/{order_id}", headers=token("department:USER_MAINTENANCE")
            )
        ).json()
        assert [(d["department"], d["ended_at"]) for d in detail["departments"]] == [
            ("USER_MAINTENANCE", None)
        ]
        assert {(d["purpose"], d["kind"]) for d in detail["deadlines"]} == {
            ("card", "acknowledge"),
            ("card", "arrive"),
            ("card", "resolve"),
            ("card", "reply"),
            ("chain", "acknowledge"),
        }

        async def cards(kind: str, expected: set[str]) -> list[dict[str, Any]]:
            got = await events_of(environment.bootstrap, environment.topics.orders, order_id, kind)
            assert {e["payload"]["deadline"] for e in got} == expected, got
            return got

        sla_clock.set(ACCEPTED + timedelta(minutes=24, seconds=5))  # 80 % of 30 minutes
        await eventually(lambda: cards("SlaWarning", {"acknowledge", "arrive"}))

        sla_clock.set(ACCEPTED + timedelta(minutes=31))
        red = await eventually(lambda: cards("SlaBreached", {"acknowledge", "arrive"}))
        assert {(e["payload"]["department"], e["payload"]["acknowledged"]) for e in red} == {
            ("USER_MAINTENANCE", False)
        }

        async def counted() -> dict[str, Any]:
            overview = (await system.sla.get("/v1/sla/overview", headers=OPS)).json()
            assert overview["totals"]["breaches_today"] == 2, overview["totals"]
            return dict(overview)

        overview = await eventually(counted)
        assert overview["totals"]["breaches_month"] == 2
        line = next(d for d in overview["departments"] if d["department"] == "USER_MAINTENANCE")
        assert (line["name"], line["breaches_today"]) == ("用户维修处", 2)
        assert {b["kind"] for b in overview["recent_breaches"]} == {"acknowledge", "arrive"}

        metrics = (await system.sla.get("/metrics")).text
        assert 'gridline_sla_breaches_total{department="USER_MAINTENANCE",kind="arrive"}' in metrics
        assert order_id not in metrics
