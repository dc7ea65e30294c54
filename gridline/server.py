"""uvicorn's server with a one-second tick (issue 14: idle CPU).

uvicorn wakes its loop ten times a second to see whether it should exit, although its tick has
work only once a second (the Date header). Ten wake-ups a second, in every service, were a
visible share of an idle system's CPU. Here the tick is a second, and an exit signal wakes the
loop at once, so shutting down is no slower.
"""

import asyncio
import contextlib
from types import FrameType
from typing import Any

import uvicorn

TICK_SECONDS = 1.0


GRACEFUL_SECONDS = 5  # a stop waits this long for open requests, then closes them


class QuietServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, tick_seconds: float = TICK_SECONDS) -> None:
        super().__init__(config)
        self.tick_seconds = tick_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken: asyncio.Future[None] | None = None

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):
            # uvicorn refreshes the Date header on ticks that are multiples of ten.
            counter = (counter + 10) % 864_000
            self._woken = self._loop.create_future()
            if self.should_exit:  # a signal between the tick and the new future
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken, self.tick_seconds)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        # Runs between two bytecodes of the loop's own thread: hand the wake-up to the loop.
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._woken is not None and not self._woken.done():
            self._woken.set_result(None)


def config_for(app: Any, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        # An open page's live stream (the console's /events) never ends by itself: without a
        # bound, a stop waited for every open browser.
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )


def serve(app: Any, host: str, port: int) -> None:
    """Runs ``app`` until SIGINT or SIGTERM, with the process's own logging (no uvicorn setup)."""
    QuietServer(config_for(app, host, port)).run()
