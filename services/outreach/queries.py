"""Read-only views behind outreach's HTTP: tasks, the register's gaps, training counts."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.outreach.config import OutreachDeps
from services.outreach.domain import groups, training
from services.outreach.schemas import GapView, TrainingReport, TrainingView, WorkerTraining
from services.outreach.store import OutreachRepository, TaskRow
from shared.clock import to_local


def names(deps: OutreachDeps) -> dict[str, str]:
    return {p.id: p.name for p in deps.org.people}


async def tasks(
    session: AsyncSession,
    department: str | None,
    worker_id: str | None,
    state: str | None,
    limit: int,
) -> list[TaskRow]:
    query = select(TaskRow)
    if department is not None:
        query = query.where(TaskRow.department == department)
    if worker_id is not None:
        query = query.where(TaskRow.worker_id == worker_id)
    if state is not None:
        query = query.where(TaskRow.state == state)
    query = query.order_by(TaskRow.deadline.desc(), TaskRow.task_id).limit(limit)
    return list(await session.scalars(query))


async def gaps(session: AsyncSession, deps: OutreachDeps, department: str) -> list[GapView]:
    rows = await OutreachRepository(session).groups()
    who = names(deps)
    return [
        GapView(
            worker_id=g.worker_id,
            worker_name=who.get(g.worker_id, g.worker_id),
            grid=g.grid,
            community=g.community,
        )
        for g in groups.gaps(deps.org, groups.covered(rows))
        if g.department == department
    ]


async def training_report(
    session: AsyncSession, deps: OutreachDeps, department: str, year: int, now: datetime
) -> tuple[TrainingReport, list[TrainingView]]:
    rows = await OutreachRepository(session).trainings(department, year)
    workers = groups.grid_workers(deps.org, department)
    attended = [training.Attendance(a, r.held_on) for r in rows for a in r.attendees]
    today = to_local(now).date()
    required = deps.settings.trainings_per_year
    counts = training.counts_for_year(workers, attended, year, today, required)
    views = [
        WorkerTraining(
            worker_id=c.worker_id,
            worker_name=workers[c.worker_id],
            count=c.count,
            short_by=c.short_by,
            months_left=c.months_left,
        )
        for c in counts
    ]
    report = TrainingReport(
        department=department,
        year=year,
        required=required,
        workers=views,
        short=[v for v in views if v.short_by > 0],
    )
    return report, [TrainingView.of(r) for r in rows]
