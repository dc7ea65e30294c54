"""The router's HTTP API, one module per area, each a module-level ``APIRouter``: ``orders``
(inbox, an order, a department's actions), ``incidents`` (split, an incident's orders),
``roster`` (duty, leave, their audit), ``routing`` (the dispatch preview), ``coverage``,
``duty`` (ops: escalated orders). Routes get the runtime, the command bus and the deps through
``context``; refusals raised below become statuses in ``shared.http`` alone."""

from fastapi import APIRouter

from services.router.api import coverage, duty, incidents, orders, roster, routing

ROUTERS: tuple[APIRouter, ...] = (
    orders.router,
    roster.router,
    incidents.router,
    routing.router,
    coverage.router,
    duty.router,
)
