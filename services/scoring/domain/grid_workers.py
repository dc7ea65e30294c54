"""Who is assessed: the grid workers of the organisation file, each with their department."""

from services.scoring.domain.monthly import Worker
from shared.auth import Principal
from shared.organisation import Organisation


def grid_workers(org: Organisation) -> list[Worker]:
    """Workers holding an A or B post; their department is that of their grids' team."""
    departments: dict[str, str] = {}
    for grid in org.grids:
        for post in (grid.a_post, grid.b_post):
            departments.setdefault(post, org.department_of_grid(grid))
    workers = []
    for worker_id, department in departments.items():
        person = org.person(worker_id)
        workers.append(Worker(worker_id, person.name if person else worker_id, department))
    return sorted(workers, key=lambda w: (w.department, w.id))


def worker(org: Organisation, worker_id: str) -> Worker | None:
    return next((w for w in grid_workers(org) if w.id == worker_id), None)


def workers_seen_by(org: Organisation, who: Principal) -> dict[str, str]:
    """The workers (id → name) whose candidates ``who`` sees: a head their department's, the
    company office all."""
    return {
        w.id: w.name
        for w in grid_workers(org)
        if who.kind in ("admin", "ops") or w.department == who.department
    }
