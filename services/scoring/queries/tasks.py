"""Assigned tasks (交办任务) as their workers, heads and the office read them."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.domain.grid_workers import grid_workers
from services.scoring.domain.tasks import STATE_LABELS, state_of
from services.scoring.schemas import TaskView, TaskWorkerView
from services.scoring.store import TaskRepository, TaskRow
from shared.clock import to_local
from shared.organisation import Organisation


def _task_view(row: TaskRow, workers: dict[str, str], now: datetime) -> TaskView:
    state = state_of(row.deadline, row.done_at, now)
    return TaskView(
        task_id=row.task_id,
        title=row.title,
        done_when=row.done_when,
        deadline=to_local(row.deadline),
        assigned_by=row.assigned_by,
        assigned_at=to_local(row.assigned_at),
        workers=[TaskWorkerView(worker_id=w, name=workers.get(w, w)) for w in sorted(workers)],
        state=state,
        state_label=STATE_LABELS[state],
        done_at=to_local(row.done_at) if row.done_at else None,
        done_by=row.done_by,
        note=row.note,
    )


async def tasks(
    session: AsyncSession,
    org: Organisation,
    seen: list[str] | None,
    now: datetime,
    page: tuple[int, int],
) -> list[TaskView]:
    """The tasks given to any of the workers in ``seen`` (None: all), latest deadline first."""
    repo = TaskRepository(session)
    rows = await repo.listed(seen, *page)
    workers = await repo.workers([r.task_id for r in rows])
    names = {w.id: w.name for w in grid_workers(org)}
    return [_task_view(r, {w: names.get(w, w) for w in workers[r.task_id]}, now) for r in rows]


async def task(session: AsyncSession, org: Organisation, task_id: str, now: datetime) -> TaskView:
    """A task just written, as its writer is answered."""
    repo = TaskRepository(session)
    row = await repo.get(task_id)
    assert row is not None  # written in the unit of work that just committed
    workers = (await repo.workers([task_id]))[task_id]
    names = {w.id: w.name for w in grid_workers(org)}
    return _task_view(row, {w: names.get(w, w) for w in workers}, now)
