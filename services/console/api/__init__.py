"""The console's pages, one module per kind of user; ``web`` holds what they share."""

from fastapi import APIRouter

from services.console.api import (
    asyncapi,
    auth,
    callbacks,
    calls,
    duty,
    head,
    links,
    live,
    messages,
    notices,
    operator,
    report,
    roster,
    roster_changes,
    roster_remove,
    tasks,
    worker,
)


def build_pages() -> APIRouter:
    router = APIRouter()
    for part in (
        auth.router,
        asyncapi.router,
        calls.router,
        links.router,
        live.router,
        messages.router,
        notices.router,
        operator.router,
        callbacks.router,
        head.router,
        report.router,
        roster.router,
        roster_changes.router,
        roster_remove.router,
        duty.router,
        tasks.router,
        worker.router,  # last: its /orders/{id}/{action} is the widest pattern
    ):
        router.include_router(part)
    return router
