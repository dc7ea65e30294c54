"""The call log and the 回拨 tasks as operators read them: newest first, every phone masked
(the number stays with the PBX and intake; an operator rings back through the PBX)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.calls import CallbackTry, CallbackView, CallView
from services.intake.domain.calls import CALLBACK_LABELS, CAUSE_LABELS, DIRECTION_LABELS, national
from services.intake.store import CallbackRow, CallRow
from shared.clock import to_local
from shared.masking import mask_phone


def _local(when: datetime | None) -> str | None:
    return to_local(when).isoformat() if when is not None else None


def _masked(number: str | None) -> str | None:
    return mask_phone(number) if number else None


async def call_log(session: AsyncSession, phone: str, limit: int, offset: int) -> list[CallView]:
    query = select(CallRow)
    if phone.strip():
        query = query.where(CallRow.phone == (national(phone) or phone.strip()))
    rows = await session.scalars(
        query.order_by(CallRow.first_seen_at.desc()).limit(limit).offset(offset)
    )
    return [_call(row) for row in rows]


def _call(row: CallRow) -> CallView:
    return CallView(
        call_id=row.call_id,
        direction=row.direction,
        direction_label=DIRECTION_LABELS.get(row.direction, row.direction),
        phone=_masked(row.phone),
        from_number=mask_phone(row.from_number),
        to_number=mask_phone(row.to_number),
        queue=row.queue,
        users=list(row.users),
        rang_at=_local(row.rang_at),
        answered_at=_local(row.answered_at),
        answered_by=row.answered_by,
        ended_at=_local(row.ended_at),
        cause=row.cause,
        cause_label=CAUSE_LABELS.get(row.cause) if row.cause else None,
        missed=row.missed,
    )


async def callbacks(
    session: AsyncSession, state: str, now: datetime, limit: int, offset: int
) -> list[CallbackView]:
    """Open tasks by deadline (the most urgent first); closed ones newest first."""
    query = select(CallbackRow)
    if state == "open":
        query = query.where(CallbackRow.state == "open").order_by(CallbackRow.due_at)
    else:
        if state != "all":
            query = query.where(CallbackRow.state == state)
        query = query.order_by(CallbackRow.callback_id.desc())
    rows = await session.scalars(query.limit(limit).offset(offset))
    return [callback_view(row, now) for row in rows]


def callback_view(row: CallbackRow, now: datetime) -> CallbackView:
    return CallbackView(
        callback_id=row.callback_id,
        phone=mask_phone(row.phone),
        call_id=row.call_id,
        missed_calls=row.missed_calls,
        missed_at=to_local(row.missed_at).isoformat(),
        due_at=to_local(row.due_at).isoformat(),
        overdue=row.state == "open" and now > row.due_at,
        state=row.state,
        state_label=CALLBACK_LABELS[row.state],
        tries=[CallbackTry(**t) for t in row.tries],
        closed_at=_local(row.closed_at),
        closed_by=row.closed_by,
    )
