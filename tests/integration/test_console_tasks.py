"""交办任务 in the console (issue 23, Art. 18(一)7), with scoring on the real broker: the head of
用户维修处 gives two tasks through the form, the grid worker sees their own and marks them done —
one in time, one after its deadline — and the head's list says 按时完成, 逾期未完成 while the
second is still open past its deadline, then 逾期完成. Scoring runs on a manual clock set to now
(the console's service tokens are checked against the time of day) and moved past a deadline."""

import re
from datetime import datetime, timedelta

import httpx
import pytest

from shared.clock import LOCAL_TZ, ManualClock
from tests.integration.test_console_scores import table
from tests.support.console import csrf_of, running_console, sign_in
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration


def _typed(when: datetime) -> str:
    """As a datetime-local input sends it: Beijing time, no zone."""
    return f"{when.astimezone(LOCAL_TZ):%Y-%m-%dT%H:%M}"


async def _states(console: httpx.AsyncClient) -> dict[str, str]:
    page = await console.get("/tasks")
    assert page.status_code == 200, page.text
    rows, _ = table(page.text, "tasks")
    return {row[0][:4]: row[4] for row in rows}


async def _done(console: httpx.AsyncClient, title: str) -> httpx.Response:
    page = (await console.get("/tasks")).text
    row = next(r for r in page.split("<tr")[1:] if title in r)
    found = re.search(r'action="/tasks/([^/"]+)/done"', row)
    assert found, row
    return await console.post(
        f"/tasks/{found[1]}/done",
        data={"csrf_token": await csrf_of(console), "note": "已完成，照片在群里"},
    )


async def test_a_head_assigns_tasks_and_the_worker_marks_them_done_in_time_and_late(
    environment: Environment,
) -> None:
    t0 = datetime.now(LOCAL_TZ).replace(second=0, microsecond=0)
    clock = ManualClock(t0)
    slow = {"scoring": {"task_sweep_seconds": 3600}}
    async with (
        run_system(
            environment, only=("scoring",), clocks={"scoring": clock}, overrides=slow
        ) as system,
        running_console(environment, system.apps) as console,
    ):
        client = console.client
        await sign_in(client, "p-0200")
        page = await client.get("/tasks")
        assert page.status_code == 200, page.text
        assert 'value="W-0301"' in page.text and 'value="W-0101"' not in page.text
        assert '<a href="/tasks">交办任务</a>' in page.text

        for title, deadline in (
            ("管网巡查", t0 + timedelta(days=1)),
            ("阀门清点", t0 + timedelta(hours=2)),
        ):
            given = await client.post(
                "/tasks",
                data={
                    "csrf_token": await csrf_of(client),
                    "title": title,
                    "done_when": "网格内阀门井全部巡查并上传照片",
                    "deadline": _typed(deadline),
                    "worker_ids": ["W-0301", "W-0302"],
                },
            )
            assert given.status_code == 303, given.text
            shown = await client.get("/tasks")
            assert f"已交办：{title}（褚建国、" in shown.text, shown.text
        refused = await client.post(
            "/tasks",
            data={
                "csrf_token": await csrf_of(client),
                "title": "过去的任务",
                "done_when": "无",
                "deadline": _typed(t0 - timedelta(hours=1)),
                "worker_ids": "W-0301",
            },
        )
        assert "已过" in (await client.get(refused.headers["location"])).text
        nobody = await client.post(
            "/tasks",
            data={
                "csrf_token": await csrf_of(client),
                "title": "无人",
                "done_when": "无",
                "deadline": _typed(t0 + timedelta(days=1)),
            },
        )
        assert "网格员：请至少选择一项" in (await client.get(nobody.headers["location"])).text

        await sign_in(client, "w-0301")
        mine = await client.get("/tasks")
        assert 'action="/tasks" class="assign"' not in mine.text  # a worker assigns nothing
        assert (await _states(client)) == {"阀门清点": "进行中", "管网巡查": "进行中"}
        assert (await _done(client, "管网巡查")).status_code == 303
        assert "已完成：管网巡查（按时完成）" in (await client.get("/tasks")).text
        forbidden = await client.post(
            "/tasks",
            data={
                "csrf_token": await csrf_of(client),
                "title": "x",
                "done_when": "x",
                "deadline": _typed(t0 + timedelta(days=1)),
                "worker_ids": "W-0301",
            },
        )
        assert forbidden.status_code == 403

        clock.set(t0 + timedelta(hours=3))
        await sign_in(client, "p-0200")
        states = await _states(client)
        assert states["阀门清点"].startswith("逾期未完成"), states
        assert states["管网巡查"].startswith("按时完成"), states

        await sign_in(client, "w-0301")
        assert (await _done(client, "阀门清点")).status_code == 303
        await sign_in(client, "p-0200")
        states = await _states(client)
        assert states["阀门清点"].startswith("逾期完成"), states
