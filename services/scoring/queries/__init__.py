"""Scoring's read side: the assessment as people read it — a month's table, a worker's ledger,
quarter and year results, the head's candidates, the assigned tasks.

Views are computed from the ledger, the counts and the closings each time they are asked for; the
same functions serve the API, the downloads and the replay check. Each takes an open session
(the API runs them inside ``runtime.db.snapshot()``).

- ``months``: the month's table, quarter and year, counts; ``ledgers``: a worker's ledger;
- ``entries``: one ledger item as people read it; ``candidates``; ``tasks``.
"""

from services.scoring.queries.candidates import candidate_view, candidates
from services.scoring.queries.entries import entry_view
from services.scoring.queries.ledgers import entry, ledger_view
from services.scoring.queries.months import month_counts, month_view, quarter_view, year_view
from services.scoring.queries.tasks import task, tasks

__all__ = [
    "candidate_view",
    "candidates",
    "entry",
    "entry_view",
    "ledger_view",
    "month_counts",
    "month_view",
    "quarter_view",
    "task",
    "tasks",
    "year_view",
]
