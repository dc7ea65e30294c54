"""Outreach's registers on a real database and broker: trainings (counts, who is short, the xlsx)
and every endpoint's authorisation (a worker of another department gets 403)."""

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from shared.clock import LOCAL_TZ, ManualClock
from tests.integration.test_outreach_flow import running_outreach
from tests.support.kafka import read_json
from tests.support.polling import eventually
from tests.support.system import Environment, token

pytestmark = pytest.mark.integration

DECEMBER_1 = datetime(2026, 12, 1, 9, 0, tzinfo=LOCAL_TZ)
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")
UM_WORKER = token("department:USER_MAINTENANCE", "W-0301")
MR_HEAD = token("head:METER_READING", "P-0100")
MR_WORKER = token("department:METER_READING", "W-0101")
OPERATOR = token("operator", "op-1")


async def test_a_worker_with_three_trainings_on_1_december_is_listed_short_and_exported(
    environment: Environment,
) -> None:
    async with running_outreach(environment, ManualClock(DECEMBER_1)) as outreach:
        held = [
            ("2026-03-10", "营业收费政策"),
            ("2026-06-10", "服务礼仪"),
            ("2026-09-10", "漏水抢修"),
        ]
        for day, topic in held:
            body = {
                "held_on": day,
                "topic": topic,
                "trainer": "钱主任",
                "attendees": ["W-0301", "W-0302"],
            }
            recorded = await outreach.post("/v1/trainings", json=body, headers=UM_HEAD)
            assert recorded.status_code == 201, recorded.text
        fourth = {
            "held_on": "2026-11-20",
            "topic": "安全",
            "trainer": "高强",
            "attendees": ["W-0302"],
        }
        assert (
            await outreach.post("/v1/trainings", json=fourth, headers=UM_HEAD)
        ).status_code == 201
        foreign = {**fourth, "attendees": ["W-0101"]}
        refused = await outreach.post("/v1/trainings", json=foreign, headers=UM_HEAD)
        assert refused.status_code == 422
        assert refused.json()["field"] == "attendees" and "W-0101" in refused.json()["detail"]

        report = (await outreach.get("/v1/trainings/2026", headers=UM_HEAD)).json()
        counts = {w["worker_id"]: w["count"] for w in report["workers"]}
        assert counts == {"W-0301": 3, "W-0302": 4, "W-0303": 0, "W-0304": 0}
        short = {w["worker_id"]: (w["short_by"], w["months_left"]) for w in report["short"]}
        assert short == {"W-0301": (1, 1), "W-0303": (4, 1), "W-0304": (4, 1)}

        download = await outreach.get("/v1/trainings/2026.xlsx", headers=UM_HEAD)
        assert download.status_code == 200, download.text
        book = load_workbook(io.BytesIO(download.content))
        sheet = book["2026年培训次数"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("工号", "姓名", "培训次数", "距4次还差", "本年剩余月数")
        assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
            ("W-0301", "褚建国", 3),
            ("W-0302", "卫东", 4),
            ("W-0303", "蒋涛", 0),
            ("W-0304", "沈丽", 0),
        ]
        assert len(list(book["培训记录"].iter_rows(values_only=True))) == 1 + 4

        async def on_the_log() -> None:
            log = await read_json(environment.bootstrap, environment.topics.activity)
            recorded = [e["payload"] for e in log if e.get("type") == "TrainingRecorded"]
            assert sorted(p["held_on"] for p in recorded) == [d for d, _ in held] + ["2026-11-20"]

        await eventually(on_the_log)


async def test_every_endpoint_refuses_a_worker_of_another_department(
    environment: Environment,
) -> None:
    async with running_outreach(environment, ManualClock(DECEMBER_1)) as outreach:
        campaign = await outreach.post(
            "/v1/campaigns",
            json={"template": "UM_RESTORATION", "communities": ["古楼社区"], "reason": "抢修"},
            headers=UM_HEAD,
        )
        assert campaign.status_code == 201, campaign.text
        campaign_id = campaign.json()["campaign_id"]
        task_id = campaign.json()["tasks"][0]["task_id"]
        start = {"template": "UM_RESTORATION", "communities": ["古楼社区"], "reason": "抢修"}
        group = {
            "community": "古楼社区",
            "worker_id": "W-0302",
            "kind": "manager_contact",
            "manager_name": "王经理",
        }
        training = {"held_on": "2026-12-01", "topic": "t", "trainer": "x", "attendees": ["W-0301"]}
        um = "department=USER_MAINTENANCE"
        calls = [
            ("POST", "/v1/campaigns", start),
            ("GET", f"/v1/campaigns/{campaign_id}", None),
            ("GET", f"/v1/notice-tasks?{um}", None),
            ("POST", f"/v1/notice-tasks/{task_id}/sent", {}),
            ("POST", "/v1/wechat-groups", group),
            ("GET", f"/v1/wechat-groups?{um}", None),
            ("GET", f"/v1/wechat-groups/missing?{um}", None),
            ("POST", f"/v1/wechat-groups/check?{um}", None),
            ("POST", "/v1/trainings", training),
            ("GET", f"/v1/trainings/2026?{um}", None),
            ("GET", f"/v1/trainings/2026.xlsx?{um}", None),
        ]
        for method, path, body in calls:
            answer = await outreach.request(method, path, json=body, headers=MR_WORKER)
            assert answer.status_code == 403, (method, path, answer.text)
            assert (await outreach.request(method, path, json=body)).status_code == 401
        # Another department's head cannot start this department's notice either.
        assert (
            await outreach.post("/v1/campaigns", json=start, headers=MR_HEAD)
        ).status_code == 403
        # The department's own people can (the operator starts any department's notice).
        assert (
            await outreach.post("/v1/campaigns", json=start, headers=OPERATOR)
        ).status_code == 201
        own = await outreach.post(f"/v1/notice-tasks/{task_id}/sent", json={}, headers=UM_WORKER)
        assert own.status_code == 200, own.text
        mine = await outreach.get(f"/v1/notice-tasks?{um}", headers=UM_WORKER)
        assert mine.status_code == 200 and len(mine.json()) == 2


async def test_bad_input_names_the_field_in_chinese(environment: Environment) -> None:
    async with running_outreach(environment, ManualClock(DECEMBER_1)) as outreach:
        unknown = await outreach.post(
            "/v1/campaigns",
            json={"template": "UM_RESTORATION", "communities": ["不存在小区"]},
            headers=UM_HEAD,
        )
        assert unknown.status_code == 422
        assert unknown.json()["field"] == "communities"
        assert "用户维修处没有负责“不存在小区”的网格" in unknown.json()["detail"]
        no_name = await outreach.post(
            "/v1/wechat-groups",
            json={"community": "古楼社区", "worker_id": "W-0302", "kind": "group"},
            headers=UM_HEAD,
        )
        assert no_name.status_code == 422
        assert "group_name" in str(no_name.json()["detail"])
