"""Async outcomes are polled with a deadline (tenacity), never slept for."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_fixed

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T]], within: float = 40, every: float = 0.2
) -> T:
    """Runs ``check`` until it stops raising AssertionError; returns its value."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(AssertionError),
        stop=stop_after_delay(within),
        wait=wait_fixed(every),
        reraise=True,
    ):
        with attempt:
            return await check()
    raise AssertionError("unreachable")
