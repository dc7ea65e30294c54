"""Every source, both ways in (HTTP and ``gridline.intake.raw``), on the real broker and both
databases. Only intake runs: these tests are about what it accepts and what it puts on the log."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.intake.app import create_app
from services.intake.config import IntakeSettings
from shared.clock import Clock, SystemClock
from shared.masking import has_unmasked_mobile
from shared.paths import EXAMPLES_DIR
from tests.support.kafka import produce, read_json
from tests.support.polling import eventually
from tests.support.system import Environment, serve, token

pytestmark = pytest.mark.integration

OPERATOR = token("operator")
GRID_WORKER = token("department:USER_MAINTENANCE", "W-0301")


def example(name: str) -> Any:
    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


@dataclass
class Intake:
    http: httpx.AsyncClient
    app: FastAPI
    env: Environment

    async def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        found = await read_json(self.env.bootstrap, self.env.topics.orders)
        return [e for e in found if kind is None or e.get("type") == kind]


@asynccontextmanager
async def running_intake(
    env: Environment, var_dir: Path, clock: Clock | None = None, **overrides: Any
) -> AsyncIterator[Intake]:
    """Intake alone (the other services are not needed to see what intake accepts)."""
    settings = {**(await env.settings("intake")), "var_dir": var_dir, **overrides}
    app = create_app(IntakeSettings(**settings), clock or SystemClock())
    async with serve(app) as http:
        yield Intake(http, app, env)


async def test_each_example_file_is_accepted_over_http_exactly_as_it_is(
    environment: Environment, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    async with running_intake(environment, tmp_path) as intake:
        http = intake.http
        r12345 = await http.post(
            "/v1/orders/12345", json=example("12345_order.json"), headers=OPERATOR
        )
        r96568 = await http.post(
            "/v1/orders/96568", json=example("96568_call.json"), headers=OPERATOR
        )
        report = await http.post(
            "/v1/grid-reports", json=example("grid_report.json"), headers=GRID_WORKER
        )
        activity = await http.post(
            "/v1/grid-activity", json=example("grid_activity.json"), headers=GRID_WORKER
        )
        assert [r.status_code for r in (r12345, r96568, report, activity)] == [201] * 4, [
            r.text for r in (r12345, r96568, report, activity)
        ]
        assert (r12345.json()["category"], r96568.json()["category"]) == ("LEAK", "LOW_PRESSURE")
        assert report.json()["category"] == "COVER_DAMAGED"
        assert [i["status"] for i in activity.json()["items"]] == ["recorded"] * 3

        again = await http.post(
            "/v1/grid-activity", json=example("grid_activity.json")[0], headers=GRID_WORKER
        )
        assert (again.status_code, again.json()["items"][0]["status"]) == (200, "already_recorded")
        call_again = await http.post(
            "/v1/orders/96568", json=example("96568_call.json"), headers=OPERATOR
        )
        assert call_again.status_code == 200
        assert call_again.json()["order_id"] == r96568.json()["order_id"]

        async def on_the_log() -> list[dict[str, Any]]:
            received = await intake.events("OrderReceived")
            activities = await read_json(environment.bootstrap, environment.topics.activity)
            assert len(received) == 3
            assert sorted(a["payload"]["activity_id"] for a in activities) == [
                "a-0001",
                "a-0002",
                "a-0003",
            ]
            return received

        received = {e["payload"]["source"]: e for e in await eventually(on_the_log)}
        call = received["96568"]["payload"]
        # The account number travels for the router; 水城花园 is UM-DC-03 for low pressure.
        assert (call["account_no"], call["grid_hint"], call["grid_matched"]) == (
            "0102030405",
            "UM-DC-03",
            True,
        )
        assert received["grid_report"]["payload"]["grid_hint"] == "UM-DC-03"
        assert received["12345"]["payload"]["grid_hint"] == "UM-DC-03"

        view = await http.get(f"/v1/orders/{r96568.json()['order_id']}", headers=OPERATOR)
        assert view.json()["caller_phone"] == "0635-***2345"
        assert view.json()["grid"] == "UM-DC-03"

    logs = capfd.readouterr()
    assert not has_unmasked_mobile(logs.out + logs.err)


async def test_the_raw_topic_takes_every_source_and_dead_letters_what_it_cannot_read(
    environment: Environment,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    topics = environment.topics

    def envelope(source: str, payload: Any) -> bytes:
        return json.dumps({"source": source, "payload": payload}, ensure_ascii=False).encode()

    async with running_intake(environment, tmp_path) as intake:
        for source, name in (
            ("12345", "12345_order.json"),
            ("96568", "96568_call.json"),
            ("grid_report", "grid_report.json"),
            ("grid_activity", "grid_activity.json"),
        ):
            await produce(environment.bootstrap, topics.intake_raw, envelope(source, example(name)))
        unmatched = {
            **example("12345_order.json"),
            "orderNo": "LC-UNMATCHED",
            "address": "茌平区某村",
        }
        await produce(environment.bootstrap, topics.intake_raw, envelope("12345", unmatched))
        bad_call = {**example("96568_call.json"), "customer": {"name": "李先生"}}
        await produce(environment.bootstrap, topics.intake_raw, envelope("96568", bad_call))
        await produce(environment.bootstrap, topics.intake_raw, b"13906351234 is not json")

        async def all_in() -> list[dict[str, Any]]:
            received = await intake.events("OrderReceived")
            letters = await read_json(environment.bootstrap, topics.dlq)
            activities = await read_json(environment.bootstrap, topics.activity)
            assert (len(received), len(letters), len(activities)) == (4, 2, 3)
            return letters

        letters = await eventually(all_in)
        reasons = sorted(letter["reason"] for letter in letters)
        assert "customer.phone" in reasons[1] or "customer.phone" in reasons[0], reasons
        assert any("not JSON" in r for r in reasons)
        assert all(letter["source_topic"] == topics.intake_raw for letter in letters)

        received = {
            e["payload"]["source_ref"]: e["payload"] for e in await intake.events("OrderReceived")
        }
        # An address no grid knows is flagged and kept, never dropped.
        assert (
            received["LC-UNMATCHED"]["grid_matched"],
            received["LC-UNMATCHED"]["grid_hint"],
        ) == (
            False,
            None,
        )
        metrics = (await intake.http.get("/metrics")).text
        assert 'gridline_intake_unmatched_address_total{source="12345"}' in metrics

    # The run's logs: the poison above carried mobile numbers, and its dead-lettering is logged.
    captured = capfd.readouterr()
    logs = captured.out + captured.err + caplog.text
    assert "dead_lettered" in logs
    assert not has_unmasked_mobile(logs)
