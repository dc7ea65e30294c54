"""Intake over HTTP, one module per area, each a module-level ``router``; the only place that
knows HTTP (domain refusals become statuses in ``shared.http``).

- ``orders``: the sources' items in, an order's timeline, the replies owed;
- ``incidents``: an incident and its page; ``outages``: planned outages;
- ``care``: the vulnerable-household register; ``search``: looking orders up;
- ``followups``: the 12345 platform's follow-ups on its orders, and those about no order;
- ``calls``: the PBX's call events (Zammad's generic CTI), the call log and the 回拨 tasks;
- ``reports``: the monthly report's order counts;
- ``own_followups``: our own 回访 of 96568 and grid orders, and an operator's 催办;
- ``state``: what routes get from the app's state (runtime, command bus, settings).
"""

from fastapi import APIRouter

from services.intake.api import (
    calls,
    care,
    followups,
    incidents,
    orders,
    outages,
    own_followups,
    reports,
    search,
)

ROUTERS: tuple[APIRouter, ...] = (
    orders.router,
    incidents.router,
    care.router,
    outages.router,
    search.router,
    followups.router,
    reports.router,
    calls.router,
    own_followups.router,
)
