"""The SLA service stopped for a week and started again: every deadline that passed meanwhile
fires on start, once, through the real broker."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from services.sla.app import create_app
from services.sla.config import SlaSettings
from shared.clock import ManualClock
from shared.contracts import Address, OrderReceived, OrderReceivedPayload
from tests.support.kafka import events_of, produce
from tests.support.polling import eventually
from tests.support.system import Environment, serve, token

pytestmark = pytest.mark.integration

OPS = token("ops")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Beijing


async def test_deadlines_that_passed_during_a_stop_fire_once_after_start(
    environment: Environment,
) -> None:
    settings = await environment.settings("sla", poll_seconds=0.1)
    clock = ManualClock(T0)
    order = OrderReceived(
        order_id="GL-20260302-R1",
        occurred_at=T0,
        producer="intake",
        payload=OrderReceivedPayload(
            source="96568",
            source_ref="T-1",
            category="LEAK",
            category_label="漏水",
            address=Address(text="水城花园5号楼", community="水城花园"),
            received_at=T0,
        ),
    )

    async with serve(create_app(SlaSettings(**settings), clock)) as sla:
        await produce(
            environment.bootstrap,
            environment.topics.orders,
            order.model_dump_json().encode(),
            key=order.order_id.encode(),
        )

        async def timed() -> None:
            overview = (await sla.get("/v1/sla/overview", headers=OPS)).json()
            assert overview["open_deadlines"] == {
                "acknowledge": 1,
                "arrive": 1,
                "resolve": 1,
                "reply": 1,
            }

        await eventually(timed)

    clock.set(T0 + timedelta(days=7))  # down for a week: every clock passed meanwhile

    async with serve(create_app(SlaSettings(**settings), clock)) as sla:

        async def red_cards() -> Counter[str]:
            fired = await events_of(
                environment.bootstrap, environment.topics.orders, order.order_id
            )
            cards = Counter(e["payload"]["deadline"] for e in fired if e["type"] == "SlaBreached")
            assert set(cards) == {"acknowledge", "arrive", "resolve", "reply"}, fired
            # A late yellow card helps nobody: a passed deadline gets its red card only.
            assert not [e for e in fired if e["type"] == "SlaWarning"]
            return cards

        cards = await eventually(red_cards)
        assert set(cards.values()) == {1}
        overview = (await sla.get("/v1/sla/overview", headers=OPS)).json()
        assert overview["open_deadlines"] == {}
        assert overview["fired_deadlines"] == {
            "acknowledge": 1,
            "arrive": 1,
            "resolve": 1,
            "reply": 1,
        }
