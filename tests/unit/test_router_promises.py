"""约定答复时间 (Art. 14) in the router: the holder's department records the time told to the
caller, published as AnswerPromised for the SLA's clock; a past time is a Chinese 422 and
another department a 403, and a refusal publishes nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.router.config import RouterDeps, load_policy
from services.router.handlers import COMMANDS, EVENTS
from services.router.handlers.commands import Promise, PromiseAnswer
from services.router.store import Base
from shared.auth import Principal
from shared.config import load_yaml
from shared.contracts import (
    Address,
    AnswerPromised,
    Event,
    OrderWithdrawn,
    OrderWithdrawnPayload,
)
from shared.http import refusal_status
from shared.organisation import Organisation
from shared.paths import CONFIG_DIR
from shared.refusals import Refusal
from shared.workdays import WorkCalendar
from tests.support.builders import order_received
from tests.support.units import OpenUnits, ServiceUnits

BJ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=BJ)
DEPS = RouterDeps(
    org=load_yaml(CONFIG_DIR / "org.yaml", Organisation),
    policy=load_policy(CONFIG_DIR / "router.yaml"),
    calendar=WorkCalendar.from_file(CONFIG_DIR / "calendar_overrides.yaml"),
)
HOLDER = Principal(role="department:USER_MAINTENANCE", subject="W-0301")
OTHER = Principal(role="department:METER_READING", subject="W-0101")


@pytest.fixture
async def db(service_units: OpenUnits) -> ServiceUnits:
    units = await service_units(Base, NOW)
    address = Address(text="水城花园3号楼", community="水城花园")
    event = order_received("GL-1", NOW, source="12345", source_ref="LC-1", address=address)
    await units.handle(EVENTS[type(event)], event, DEPS)
    return units


async def promise(db: ServiceUnits, who: Principal, at: datetime, note: str = "") -> list[Event]:
    message = PromiseAnswer("GL-1", who, Promise(promised_at=at, note=note))
    return list(await db.handle(COMMANDS[PromiseAnswer], message, DEPS))


async def refused(db: ServiceUnits, who: Principal, at: datetime) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await promise(db, who, at)
    return caught.value


async def test_the_holder_promises_a_time_and_it_is_published(db: ServiceUnits) -> None:
    at = NOW + timedelta(hours=3)
    (event,) = await promise(db, HOLDER, at, "已告知来电人 13906351234 下午答复")
    assert isinstance(event, AnswerPromised)
    payload = event.payload
    assert (payload.promised_at, payload.by, payload.department) == (
        at,
        "W-0301",
        "USER_MAINTENANCE",
    )
    assert (payload.assignee_id, payload.assignment_id) == ("W-0301", 1)
    assert "13906351234" not in payload.note  # masked as it is parsed
    assert (await db.outbox())[-1] == str(event.event_id)  # in the command's own transaction


@pytest.mark.parametrize("at", [NOW, NOW - timedelta(minutes=5)])
async def test_a_time_not_ahead_is_a_chinese_422_on_promised_at(
    db: ServiceUnits, at: datetime
) -> None:
    refusal = await refused(db, HOLDER, at)
    assert (refusal_status(refusal), refusal.field) == (422, "promised_at")
    assert "约定答复时间 2026-12-02" in str(refusal.detail)
    assert "北京时间" in str(refusal.detail)


async def test_another_department_may_not_promise_for_the_holder(db: ServiceUnits) -> None:
    refusal = await refused(db, OTHER, NOW + timedelta(hours=1))
    assert refusal_status(refusal) == 403


async def test_a_withdrawn_order_takes_no_promise(db: ServiceUnits) -> None:
    withdrawn = OrderWithdrawn(
        order_id="GL-1",
        occurred_at=NOW,
        producer="intake",
        payload=OrderWithdrawnPayload(message_id="M-1", at=NOW),
    )
    await db.handle(EVENTS[OrderWithdrawn], withdrawn, DEPS)
    refusal = await refused(db, HOLDER, NOW + timedelta(hours=1))
    assert (refusal_status(refusal), refusal.field) == (409, "state")
