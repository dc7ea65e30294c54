"""The services' HTTP server ticks once a second, not ten times (an idle service woke for
uvicorn's tick ten times a second, issue 14), and an exit signal still stops it at once."""

import asyncio
import signal
import threading

import httpx
import uvicorn

from gridline.broker import free_port
from gridline.server import QuietServer, config_for


async def _app(scope: dict[str, object], receive: object, send: object) -> None:
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]


async def test_the_server_ticks_rarely_serves_with_a_date_and_stops_at_a_signal() -> None:
    port = free_port()
    config = uvicorn.Config(_app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    server = QuietServer(config, tick_seconds=60)
    ticks: list[int] = []
    on_tick = server.on_tick

    async def counted(counter: int) -> bool:
        ticks.append(counter)
        return await on_tick(counter)

    server.on_tick = counted  # type: ignore[method-assign]
    # On its own thread, as a signal handler would call it from outside the server's loop (and
    # uvicorn re-raises signals it caught only on the main thread, which would end the tests).
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/")
        assert response.text == "ok"
        assert "date" in response.headers  # set on the first tick, refreshed on every one
        await asyncio.sleep(0.5)
        assert ticks == [0]  # uvicorn's own loop would have ticked five times by now
        server.handle_exit(signal.SIGTERM, None)
        await asyncio.to_thread(thread.join, 10)
        assert not thread.is_alive()  # stopped by the signal, not by the 60 s tick
    finally:
        server.should_exit = True


async def _endless(scope: dict[str, object], receive: object, send: object) -> None:
    """A live stream, as the console's /events: it never ends by itself."""
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b": ready\n\n", "more_body": True})  # type: ignore[operator]
    await asyncio.Event().wait()


async def test_an_open_stream_does_not_hold_a_stop() -> None:
    port = free_port()
    config = config_for(_endless, "127.0.0.1", port)
    config.lifespan = "off"
    server = QuietServer(config, tick_seconds=60)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        async with (
            httpx.AsyncClient(timeout=None) as client,
            client.stream("GET", f"http://127.0.0.1:{port}/events") as stream,
        ):
            async for _chunk in stream.aiter_bytes():
                break  # the stream is open and stays open
            server.handle_exit(signal.SIGTERM, None)
            # Bounded by the server's grace (5 s), not by the stream, which never ends.
            await asyncio.to_thread(thread.join, 60)
            assert not thread.is_alive()
    finally:
        server.should_exit = True
