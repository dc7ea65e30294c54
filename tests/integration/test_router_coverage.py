"""Coverage readiness in the router, on a real database and broker: changes made over the
roster API show up as findings for the head, in the gauge, and go away when fixed."""

from datetime import timedelta
from typing import Any

import pytest

from shared.clock import ManualClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token
from tests.unit.test_router_coverage import NOW, TUESDAY_22, roster, team_alone_on_duty

pytestmark = pytest.mark.integration

UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")
MR_HEAD = token("head:METER_READING", "P-0100")
UM_WORKER = token("department:USER_MAINTENANCE", "W-0303")


async def test_a_hole_and_a_grid_with_a_and_b_away_are_found_and_the_filled_hole_clears(
    environment: Environment,
) -> None:
    team, person = team_alone_on_duty(roster(), TUESDAY_22)
    async with run_system(
        environment, clocks={"router": ManualClock(NOW)}, only=("router",)
    ) as system:
        router = system.router
        assert (await router.get("/v1/coverage", headers=UM_HEAD)).json() == []
        hole = {
            "from": TUESDAY_22.isoformat(),
            "to": (TUESDAY_22 + timedelta(hours=3)).isoformat(),
            "available": False,
            "reason": "就医",
        }
        put = await router.put(
            f"/v1/roster/overrides/{person}", json={"overrides": [hole]}, headers=UM_HEAD
        )
        assert put.status_code == 200, put.text
        for worker in ("W-0303", "W-0304"):
            away = {"leave": [{"from": "2026-12-08", "to": "2026-12-09", "reason": "培训"}]}
            put = await router.put(f"/v1/leave/{worker}", json=away, headers=UM_HEAD)
            assert put.status_code == 200, put.text

        found = (await router.get("/v1/coverage", headers=UM_HEAD)).json()
        assert [(f["kind"], f["subject"]) for f in found] == [
            ("duty_gap", team),
            ("grid_uncovered", "UM-KF-01"),
        ]
        assert found[0]["kind_label"] == "值班空档"
        assert found[0]["start"].startswith("2026-12-08T22:00:00+08:00")

        async def gauge(kind: str, value: float) -> None:
            text = (await router.get("/metrics")).text
            labels = f'department="USER_MAINTENANCE",kind="{kind}"'
            assert f"gridline_router_coverage_findings{{{labels}}} {value}" in text

        await eventually(lambda: gauge("grid_uncovered", 1.0))
        await eventually(lambda: gauge("duty_gap", 1.0))

        swap = {"swaps": [{"date": "2026-12-08", "person": _other(team, person), "reason": "顶班"}]}
        put = await router.put(f"/v1/roster/swaps/{team}", json=swap, headers=UM_HEAD)
        assert put.status_code == 200, put.text
        after = (await router.get("/v1/coverage", headers=UM_HEAD)).json()
        assert [(f["kind"], f["subject"]) for f in after] == [("grid_uncovered", "UM-KF-01")]
        await eventually(lambda: gauge("duty_gap", 0.0))

        # Another department's head sees only theirs; a worker may not look.
        assert (await router.get("/v1/coverage", headers=MR_HEAD)).json() == []
        asked: Any = await router.get("/v1/coverage?department=USER_MAINTENANCE", headers=MR_HEAD)
        assert asked.status_code == 403
        assert (await router.get("/v1/coverage", headers=UM_WORKER)).status_code == 403


def _other(team: str, person: str) -> str:
    return next(p for p in roster().rotations[team] if p != person)
