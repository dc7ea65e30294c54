"""Scoring over HTTP, one module per area, each a module-level ``router``; the only place that
knows HTTP (domain refusals become statuses in ``shared.http``).

- ``scores``: the month's table, ledgers, heads' entries, candidates, closing, downloads;
- ``tasks``: assigned tasks (交办任务, Art. 18(一)7).
"""

from fastapi import APIRouter

from services.scoring.api import scores, tasks

router = APIRouter()
router.include_router(scores.router)
router.include_router(tasks.router)
