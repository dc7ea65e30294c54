"""The monthly report's order counts (GET /v1/reports/orders) on a real database, both backends:
counted by Beijing month, by category, community and grid, and a head counts their own
department's orders only."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.intake.app import MIGRATIONS, create_app
from services.intake.config import IntakeSettings
from services.intake.store import OrderRow
from shared.clock import LOCAL_TZ, SystemClock
from shared.migrations import upgrade
from tests.support.databases import DatabaseFactory
from tests.support.system import token

pytestmark = pytest.mark.integration

OWN = "USER_MAINTENANCE"
OTHER = "METER_READING"


@dataclass
class Intake:
    client: httpx.AsyncClient
    app: FastAPI

    async def order(
        self, n: int, at: datetime, category: str, community: str, department: str
    ) -> None:
        async with self.app.state.runtime.db.transaction() as session:
            session.add(
                OrderRow(
                    order_id=f"GL-R{n:04d}",
                    source="96568",
                    source_ref=f"R-{n}",
                    category=category,
                    priority="normal",
                    received_at=at.astimezone(UTC),
                    created_at=at.astimezone(UTC),
                    state="dispatched",
                    canonical={},
                    raw={},
                    community_key=community,
                    grid="G-01",
                    handling_department=department,
                )
            )


@pytest.fixture
async def intake(databases: DatabaseFactory, tmp_path: Path) -> AsyncIterator[Intake]:
    settings = IntakeSettings(
        database_url=await databases.url("intake"), var_dir=tmp_path, log_json=False
    )
    app = create_app(settings, SystemClock())
    runtime = app.state.runtime
    await runtime.db.start()
    await upgrade(runtime.db, MIGRATIONS)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield Intake(client, app)
    finally:
        await runtime.db.stop()


def beijing(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


async def test_orders_are_counted_by_beijing_month_category_and_community(intake: Intake) -> None:
    # 1 Nov 00:30 Beijing is still 31 Oct in UTC: it counts for November.
    await intake.order(1, beijing(2026, 11, 1, 0, 30), "LEAK", "水城", OWN)
    await intake.order(2, beijing(2026, 11, 15, 9), "LEAK", "水城", OWN)
    await intake.order(3, beijing(2026, 11, 30, 23, 59), "NO_WATER", "东关", OWN)
    await intake.order(4, beijing(2026, 10, 31, 23, 30), "LEAK", "水城", OWN)
    await intake.order(5, beijing(2026, 12, 1, 0, 0), "LEAK", "水城", OWN)
    await intake.order(6, beijing(2026, 11, 10, 8), "METER", "东关", OTHER)

    got = await intake.client.get(
        "/v1/reports/orders", params={"month": "2026-11"}, headers=token("ops")
    )

    assert got.status_code == 200, got.text
    body = got.json()
    assert body["department"] is None
    assert [m["month"] for m in body["months"]] == ["2026-11", "2026-10", "2026-09"]
    november, october, september = body["months"]
    assert november["total"] == 4
    counts = {(c["category"], c["community"]): c["count"] for c in november["counts"]}
    assert counts == {("LEAK", "水城"): 2, ("NO_WATER", "东关"): 1, ("METER", "东关"): 1}
    assert november["counts"][0] == {
        "category": "LEAK",
        "community": "水城",
        "grid": "G-01",
        "count": 2,
    }
    assert october["total"] == 1 and september == {"month": "2026-09", "total": 0, "counts": []}


async def test_a_head_counts_their_own_department_only(intake: Intake) -> None:
    await intake.order(1, beijing(2026, 11, 2, 10), "LEAK", "水城", OWN)
    await intake.order(2, beijing(2026, 11, 3, 10), "METER", "东关", OTHER)

    got = await intake.client.get(
        "/v1/reports/orders",
        params={"month": "2026-11", "months": 1},
        headers=token(f"head:{OWN}", "P-0200"),
    )

    assert got.status_code == 200, got.text
    body = got.json()
    assert body["department"] == OWN
    assert [(m["month"], m["total"]) for m in body["months"]] == [("2026-11", 1)]
    assert body["months"][0]["counts"][0]["category"] == "LEAK"


@pytest.mark.parametrize(
    ("params", "role", "status"),
    [
        ({"month": "2026-13"}, "ops", 422),
        ({"month": "0000-01"}, "ops", 422),  # year 0: no calendar holds it (was a 500)
        ({"month": "2026-11", "months": 13}, "ops", 422),
        ({}, "ops", 422),
        ({"month": "2026-11"}, "operator", 403),
    ],
)
async def test_a_bad_month_or_an_operator_is_refused(
    intake: Intake, params: dict[str, str | int], role: str, status: int
) -> None:
    got = await intake.client.get("/v1/reports/orders", params=params, headers=token(role))

    assert got.status_code == status, got.text
