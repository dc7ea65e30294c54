"""Bounded sizes on the running services: a body is counted as it streams (a chunked body has
no Content-Length to trust), paging parameters past their bounds are a 422; every text
field documents its maximum (tests/unit/test_openapi_documents.py)."""

from collections.abc import AsyncIterator

from tests.support.routes import OWN, OWN_WORKER, headers
from tests.support.system import Environment, run_system

TWO_MB = 2 * 1024 * 1024


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
