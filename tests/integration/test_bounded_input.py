"""Bounded sizes on the running services: a body is counted as it streams (a chunked body has
no Content-Length to trust), on every request, also to endpoints that read none; paging
parameters and years past their bounds are a 422; every text field documents its maximum
(tests/unit/test_openapi_documents.py). A database that is away is a 503, not a 500."""

import json
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest

from shared.clock import LOCAL_TZ, ManualClock
from shared.paths import EXAMPLES_DIR
from tests.support.outages import DatabaseOutage
from tests.support.polling import eventually
from tests.support.routes import OWN, OWN_WORKER, headers
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration

TWO_MB = 2 * 1024 * 1024
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)


async def chunked_noise(size: int) -> AsyncIterator[bytes]:
    """``size`` bytes of a JSON-looking body in 64 KiB chunks (no Content-Length)."""
    chunk = b" " * 65536
    for _ in range(size // len(chunk)):
        yield chunk
    yield b"{}"


async def chunked_entry(size: int) -> AsyncIterator[bytes]:
    """A head's score entry whose reason is ``size`` bytes, sent in 64 KiB chunks."""
    yield b'{"rule": "PENNANT", "reason": "'
    chunk = b"x" * 65536
    for _ in range(size // len(chunk)):
        yield chunk
    yield b'"}'


async def test_a_2_mb_chunked_body_is_refused_with_413_and_nothing_is_recorded(
    environment: Environment,
) -> None:
    async with run_system(environment, only=("scoring",)) as system:
        head = headers(f"head:{OWN}")
        refused = await system.scoring.post(
            f"/v1/workers/{OWN_WORKER}/entries",
            content=chunked_entry(TWO_MB),
            headers={**head, "content-type": "application/json"},
        )
        assert refused.status_code == 413, refused.text
        assert refused.json()["error"] == "too_large" and refused.json()["field"] == "body"
        ledger = await system.scoring.get(f"/v1/workers/{OWN_WORKER}/ledger", headers=head)
        assert ledger.json()["entries"] == []

        # Under the body limit but over the field's documented maximum: a 422 naming the field.
        long_reason = await system.scoring.post(
            f"/v1/workers/{OWN_WORKER}/entries",
            json={"rule": "PENNANT", "reason": "x" * 5000},
            headers=head,
        )
        assert long_reason.status_code == 422 and long_reason.json()["field"] == "reason"

        accepted = await system.scoring.post(
            f"/v1/workers/{OWN_WORKER}/entries",
            content=chunked_entry(0),
            headers={**head, "content-type": "application/json"},
        )
        assert accepted.status_code == 422, accepted.text  # an empty reason, read in full


async def test_paging_past_its_bounds_is_a_422_not_a_500(environment: Environment) -> None:
    async with run_system(environment, only=("router",)) as system:
        for path, who in (("/v1/inbox", f"department:{OWN}"), ("/v1/roster/audit", f"head:{OWN}")):
            for offset in (2**63, -1, "x"):
                got = await system.router.get(path, params={"offset": offset}, headers=headers(who))
                assert got.status_code == 422, (path, offset, got.text)
                assert got.json()["field"] == "offset"
            fine = await system.router.get(path, params={"offset": 10}, headers=headers(who))
            assert fine.status_code == 200, fine.text


async def test_text_a_database_cannot_keep_is_a_422_not_a_500(environment: Environment) -> None:
    """PostgreSQL refuses NUL characters: in a note, a reason or a URL they are bad input."""
    async with run_system(environment, only=("router", "scoring")) as system:
        head = headers(f"head:{OWN}")
        note = await system.router.put(
            "/v1/roster/rotations/UM-T1",
            json={"people": ["P-0210"], "note": "a\u0000b"},
            headers=head,
        )
        assert note.status_code == 422 and note.json()["field"] == "note", note.text
        reason = await system.scoring.post(
            f"/v1/workers/{OWN_WORKER}/entries",
            json={"rule": "PENNANT", "reason": "a\u0000b"},
            headers=head,
        )
        assert reason.status_code == 422 and reason.json()["field"] == "reason", reason.text
        path = await system.router.get("/v1/orders/GL-1%00", headers=headers(f"department:{OWN}"))
        assert path.status_code == 422 and path.json()["field"] == "order_id", path.text


def refused_for_size(reply: httpx.Response) -> None:
    assert reply.status_code == 413, reply.text
    assert reply.json() == {"error": "too_large", "detail": reply.json()["detail"], "field": "body"}


async def dispatched_to_own(system_intake: httpx.AsyncClient, router: httpx.AsyncClient) -> str:
    body = json.loads((EXAMPLES_DIR / "12345_order.json").read_text(encoding="utf-8"))
    created = await system_intake.post(
        "/v1/orders/12345", json={**body, "orderNo": "LC-SIZE-1"}, headers=headers("operator")
    )
    assert created.status_code == 201, created.text
    order_id: str = created.json()["order_id"]

    async def routed() -> None:
        got = await router.get(f"/v1/orders/{order_id}", headers=headers(f"department:{OWN}"))
        assert got.status_code == 200, got.text

    await eventually(routed)
    return order_id


async def test_a_2_mb_chunked_body_to_an_endpoint_that_reads_none_is_refused_before_it_acts(
    environment: Environment,
) -> None:
    """Acknowledging, closing a month and checking the WeChat groups take no body: they never
    read one, so only a count before the endpoint runs can refuse it."""
    clock = ManualClock(WEDNESDAY_10)
    clocks = {"intake": clock, "router": clock, "scoring": clock, "outreach": clock}
    wanted = ("intake", "router", "scoring", "outreach")
    async with run_system(environment, clocks=clocks, only=wanted) as system:  # type: ignore[arg-type]
        assert system.outreach is not None
        staff = headers(f"department:{OWN}")
        order_id = await dispatched_to_own(system.intake, system.router)
        before = (await system.router.get(f"/v1/orders/{order_id}", headers=staff)).json()
        ack = f"/v1/orders/{order_id}/acknowledge"
        refused_for_size(
            await system.router.post(ack, content=chunked_noise(TWO_MB), headers=staff)
        )
        after = (await system.router.get(f"/v1/orders/{order_id}", headers=staff)).json()
        assert after == before, "the refused acknowledgement changed the order"

        ops = headers("ops")
        close = "/v1/months/2026-11/close"
        refused_for_size(
            await system.scoring.post(close, content=chunked_noise(TWO_MB), headers=ops)
        )

        check = "/v1/wechat-groups/check"
        query = {"department": OWN}
        refused_for_size(
            await system.outreach.post(
                check, params=query, content=chunked_noise(TWO_MB), headers=ops
            )
        )

        # Each of them acts now, once: the refused requests did nothing.
        acknowledged = await system.router.post(ack, headers=staff)
        assert acknowledged.status_code == 200, acknowledged.text
        assert acknowledged.json()["order"] != before
        closed = await system.scoring.post(close, headers=ops)
        assert closed.status_code == 201, closed.text
        checked = await system.outreach.post(check, params=query, headers=ops)
        assert checked.status_code == 200, checked.text
        assert checked.json()["proposed"] > 0, "the refused check had proposed the gaps already"

        # A small body to an endpoint that takes none is read, counted and ignored, as before.
        again = await system.outreach.post(check, params=query, content=b"{}", headers=ops)
        assert again.status_code == 200 and again.json()["proposed"] == 0, again.text


async def test_every_list_endpoint_pages_within_the_same_bounds(environment: Environment) -> None:
    async with run_system(environment, only=("notify", "outreach")) as system:
        assert system.notify is not None and system.outreach is not None
        ops = headers("ops")
        for offset in (9223372036854775808, -1, "x", 1_000_001):
            got = await system.notify.get("/v1/messages", params={"offset": offset}, headers=ops)
            assert got.status_code == 422, (offset, got.text)
            assert got.json()["error"] == "invalid" and got.json()["field"] == "offset"
        for limit in (0, 1001, 2**63):
            for client, path in (
                (system.notify, "/v1/messages"),
                (system.outreach, "/v1/notice-tasks"),
            ):
                got = await client.get(path, params={"limit": limit}, headers=ops)
                assert got.status_code == 422 and got.json()["field"] == "limit", got.text
        fine = await system.notify.get(
            "/v1/messages", params={"offset": 1_000_000, "limit": 1000}, headers=ops
        )
        assert fine.status_code == 200 and fine.json()["items"] == [], fine.text
        nul = await system.notify.get("/v1/messages", params={"person": "P\x00"}, headers=ops)
        assert nul.status_code == 422 and nul.json()["field"] == "person", nul.text


async def test_a_year_past_the_calendar_is_a_422_not_a_500(environment: Environment) -> None:
    async with run_system(environment, only=("outreach",)) as system:
        assert system.outreach is not None
        head = headers(f"head:{OWN}")
        for year in ("10000", "99999999999", "0", "1999", "-1"):
            for path in (f"/v1/trainings/{year}", f"/v1/trainings/{year}.xlsx"):
                got = await system.outreach.get(path, headers=head)
                assert got.status_code == 422, (path, got.text)
                assert got.json()["error"] == "invalid" and got.json()["field"] == "year"
        report = await system.outreach.get("/v1/trainings/9999", headers=head)
        assert report.status_code == 200 and report.json()["year"] == 9999, report.text
        sheet = await system.outreach.get("/v1/trainings/2026.xlsx", headers=head)
        assert sheet.status_code == 200, sheet.text
        # A department named in Chinese (no such department: an empty sheet) still downloads:
        # the file's name is not Latin-1, which a header must be (that was a 500).
        named = await system.outreach.get(
            "/v1/trainings/2026.xlsx", params={"department": "供水所"}, headers=headers("ops")
        )
        assert named.status_code == 200, named.text
        assert "filename*=UTF-8''trainings-%E4%BE%9B" in named.headers["content-disposition"]


def unavailable(reply: httpx.Response) -> None:
    assert reply.status_code == 503, reply.text
    body = reply.json()
    assert body["error"] == "unavailable" and set(body) == {"error", "detail", "field"}
    assert "数据库" in body["detail"] and reply.headers["retry-after"].isdigit()


async def test_reads_while_the_database_refuses_connections_are_503_in_the_error_shape(
    environment: Environment, capsys: pytest.CaptureFixture[str]
) -> None:
    """PostgreSQL refusing connections: every read is a 503 with one log line (an unhandled
    error would reach this test's client as the exception itself). SQLite's refusal is a
    write lock: reads go on (WAL), and a write is the 503."""
    outages = {
        name: DatabaseOutage(await environment.databases.url(name))
        for name in ("router", "notify", "outreach")
    }
    overrides = {name: await outage.prepare() for name, outage in outages.items()}
    wanted = ("router", "notify", "outreach")
    async with run_system(environment, only=wanted, overrides=overrides) as system:
        assert system.notify is not None and system.outreach is not None
        head = headers(f"head:{OWN}")
        reads = (
            (system.router, "/v1/inbox"),
            (system.router, "/v1/roster/audit"),
            (system.notify, "/v1/messages"),
            (system.outreach, "/v1/wechat-groups"),
            (system.outreach, "/v1/trainings/2026"),
        )
        for client, path in reads:
            assert (await client.get(path, headers=head)).status_code == 200
        capsys.readouterr()
        for outage in outages.values():
            await outage.begin()
        try:
            if environment.databases.backend == "postgresql":
                for client, path in reads:
                    unavailable(await client.get(path, headers=head))
                asked = len(reads)
            else:
                for client, path in reads:
                    assert (await client.get(path, headers=head)).status_code == 200
                leave = {"leave": [{"from": "2026-12-07", "to": "2026-12-08", "reason": "年假"}]}
                unavailable(
                    await system.router.put(f"/v1/leave/{OWN_WORKER}", json=leave, headers=head)
                )
                asked = 1
            logged = capsys.readouterr().err
            assert logged.count("dependency_unavailable") == asked, logged[-3000:]
        finally:
            for outage in outages.values():
                await outage.end()

        async def answering_again() -> None:
            for client, path in reads:
                assert (await client.get(path, headers=head)).status_code == 200

        await eventually(answering_again)
    for outage in outages.values():
        await outage.close()
