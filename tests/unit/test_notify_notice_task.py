"""A notice task (通知任务) given by outreach is a message to its worker (issue 19): the
``notice_task`` rule of config/notify.yaml, planned once however often the event arrives."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.notify.config import NotifySettings, load_deps
from services.notify.handlers import ACTIVITY_EVENTS
from services.notify.store import Base, DeliveryRow
from shared.clock import LOCAL_TZ
from shared.contracts import NoticeTaskAssigned, NoticeTaskAssignedPayload
from tests.support.units import OpenUnits, ServiceUnits

NIGHT = datetime(2026, 12, 2, 4, 8, tzinfo=LOCAL_TZ)
DEPS = load_deps(NotifySettings())


@pytest.fixture
async def db(service_units: OpenUnits) -> ServiceUnits:
    return await service_units(Base, NIGHT)


def assigned(worker: str = "W-0303") -> NoticeTaskAssigned:
    return NoticeTaskAssigned(
        occurred_at=NIGHT,
        producer="outreach",
        worker_id=worker,
        payload=NoticeTaskAssignedPayload(
            task_id="NTC-20261202-ABC123-01",
            campaign_id="NTC-20261202-ABC123",
            department="USER_MAINTENANCE",
            community="开发区花园",
            title="维修停水通知",
            deadline=NIGHT + timedelta(hours=6),
        ),
    )


async def test_a_notice_task_is_one_wecom_message_to_its_worker_once(db: ServiceUnits) -> None:
    event = assigned()
    for _ in range(2):  # redelivered: nothing planned twice
        assert await db.handle(ACTIVITY_EVENTS[NoticeTaskAssigned], event, DEPS) == []
    async with db.transaction() as session:
        rows = list(await session.scalars(select(DeliveryRow)))
    assert [(r.notice, r.person_id, r.channel) for r in rows] == [
        ("notice_task", "W-0303", "wecom_app")
    ]
    assert rows[0].title == "【通知任务】请按时发送通知"
    assert "开发区花园" in rows[0].text and "12月02日 10:08" in rows[0].text
    assert rows[0].order_id is None
