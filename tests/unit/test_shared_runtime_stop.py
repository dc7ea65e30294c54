"""A service's shutdown is bounded: a background loop that swallows its cancellation is named
and left behind instead of holding the stop (and a test, or a container's stop) forever."""

import asyncio
import contextlib

from shared.runtime import cancel_all


async def test_a_loop_that_ignores_cancellation_does_not_hold_the_stop() -> None:
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(3600)

    async def polite() -> None:
        await asyncio.sleep(3600)

    tasks = [
        asyncio.create_task(stubborn(), name="stubborn"),
        asyncio.create_task(polite(), name="polite"),
    ]
    await asyncio.sleep(0)
    assert await cancel_all(tasks, within=0.2) == ["stubborn"]
    assert tasks[1].cancelled()
    release.set()
    tasks[0].cancel()
    await asyncio.wait([tasks[0]], timeout=1)


async def test_nothing_to_stop_is_stopped_at_once() -> None:
    assert await cancel_all([], within=0.2) == []
