"""The console's pages, one module per kind of user; ``web`` holds what they share."""

from fastapi import APIRouter

from services.console.api.auth import build_auth_router
from services.console.api.duty import build_duty_router
from services.console.api.head import build_head_router
from services.console.api.operator import build_operator_router
from services.console.api.worker import build_worker_router


def build_pages() -> APIRouter:
    router = APIRouter()
    for part in (
        build_auth_router(),
        build_operator_router(),
        build_head_router(),
        build_duty_router(),
        build_worker_router(),  # last: its /orders/{id}/{action} is the widest pattern
    ):
        router.include_router(part)
    return router
