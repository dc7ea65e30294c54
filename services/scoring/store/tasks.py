"""The statements on the assigned tasks' register (``tables.TaskRow``, ``TaskWorkerRow``)."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.store.tables import TaskRow, TaskWorkerRow


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, task: TaskRow, workers: dict[str, str]) -> None:
        self.session.add(task)
        for worker_id, department in workers.items():
            self.session.add(
                TaskWorkerRow(task_id=task.task_id, worker_id=worker_id, department=department)
            )
        await self.session.flush()

    async def get(self, task_id: str) -> TaskRow | None:
        return await self.session.get(TaskRow, task_id)

    async def workers(self, task_ids: Collection[str]) -> dict[str, dict[str, str]]:
        """task → worker → department."""
        rows = await self.session.scalars(
            select(TaskWorkerRow).where(TaskWorkerRow.task_id.in_(list(task_ids)))
        )
        result: dict[str, dict[str, str]] = {t: {} for t in task_ids}
        for r in rows:
            result[r.task_id][r.worker_id] = r.department
        return result

    async def overdue(self, now: datetime) -> list[TaskRow]:
        """Open tasks past their deadline whose lateness has not been raised yet."""
        rows = await self.session.scalars(
            select(TaskRow)
            .where(TaskRow.done_at.is_(None), TaskRow.late_at.is_(None), TaskRow.deadline < now)
            .order_by(TaskRow.deadline, TaskRow.task_id)
        )
        return list(rows)

    async def listed(
        self, workers: Collection[str] | None, limit: int, offset: int
    ) -> list[TaskRow]:
        """Tasks given to any of ``workers`` (None: every task), the latest deadline first."""
        query = select(TaskRow)
        if workers is not None:
            mine = select(TaskWorkerRow.task_id).where(TaskWorkerRow.worker_id.in_(list(workers)))
            query = query.where(TaskRow.task_id.in_(mine))
        query = query.order_by(TaskRow.deadline.desc(), TaskRow.task_id).limit(limit).offset(offset)
        return list(await self.session.scalars(query))
