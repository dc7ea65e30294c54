"""The PBX's call events (Zammad's generic CTI) into the call log: each event fills its own
columns of the call's row once (a resent event changes nothing); a missed call opens the
caller's 回拨 task (or joins the one already open); an answered call with the caller closes it
(首问负责: whoever speaks to the caller has answered them)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from services.intake.calls import CtiEvent
from services.intake.config import IntakeDeps
from services.intake.domain.calls import WorkingHours, callback_due, counterpart, is_missed
from services.intake.store import CallbackRow, CallRepository, CallRow
from shared.contracts import Event
from shared.contracts.activity_events import CallRinging
from shared.contracts.activity_payloads import CallRingingPayload
from shared.contracts.envelopes import envelope
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RecordCallEvent:
    event: CtiEvent


@dataclass(frozen=True)
class CallOutcome:
    status: str  # recorded | already_received
    missed: bool = False
    callback_id: int | None = None
    closed: tuple[tuple[int, bool], ...] = field(default=())
    """The 回拨 tasks this call closed: (id, within its deadline)."""


def _first_columns(event: CtiEvent, now: datetime) -> dict[str, object]:
    return {
        "direction": event.direction,
        "from_number": event.from_number,
        "to_number": event.to_number,
        "phone": counterpart(event.direction, event.from_number, event.to_number),
        "queue": event.queue,
        "users": list(event.user),
        "first_seen_at": now,
        "missed": False,
    }


async def record_call_event(
    command: RecordCallEvent, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """``uow.answer``: ``CallOutcome``."""
    event, now = command.event, uow.now
    calls = CallRepository(uow.session)
    call = await calls.locked(event.call_id, _first_columns(event, now))
    if event.user and not call.users:
        call.users = list(event.user)
    if event.event == "newCall":
        fresh = call.rang_at is None
        call.rang_at = call.rang_at or now
        uow.answer = CallOutcome("recorded" if fresh else "already_received")
    elif event.event == "answer":
        uow.answer = await _answered(call, event, calls, now)
    else:
        uow.answer = await _hung_up(call, event, calls, deps, now)
    return _ringing(event, uow.answer, now)


def _ringing(event: CtiEvent, outcome: CallOutcome, now: datetime) -> list[Event]:
    """The operators' pop-up (issue 21): a call ringing at or answered by named operators, once
    per call and event. No number on the log: the console asks intake for the caller."""
    if event.event == "hangup" or outcome.status != "recorded":
        return []
    names = [*event.user, *([event.answering_number] if event.answering_number else [])]
    operators = tuple(dict.fromkeys(n for n in names if n))
    if not operators:
        return []
    payload = CallRingingPayload(
        call_id=event.call_id,
        event=event.event,
        direction=event.direction,
        operators=operators,
        queue=event.queue,
    )
    ringing = envelope(CallRinging, operators[0], payload, now, "intake")
    return [ringing]


async def _answered(
    call: CallRow, event: CtiEvent, calls: CallRepository, now: datetime
) -> CallOutcome:
    if call.answered_at is not None:
        return CallOutcome("already_received")
    call.answered_at = now
    call.answered_by = event.answering_number or (event.user[0] if event.user else None)
    closed = await _close_on_answer(call, calls, now)
    return CallOutcome("recorded", closed=closed)


async def _close_on_answer(
    call: CallRow, calls: CallRepository, now: datetime
) -> tuple[tuple[int, bool], ...]:
    if call.phone is None:
        return ()
    task = await calls.open_callback(call.phone)
    if task is None or task.call_id == call.call_id:
        return ()
    # Rung back by an operator and answered is a callback that reached them.
    task.state = "reached" if call.direction == "out" else "answered"
    task.closed_at = now
    task.closed_by, task.closing_call_id = call.answered_by, call.call_id
    return ((task.callback_id, now <= task.due_at),)


async def _hung_up(
    call: CallRow, event: CtiEvent, calls: CallRepository, deps: IntakeDeps, now: datetime
) -> CallOutcome:
    if call.ended_at is not None:
        return CallOutcome("already_received", call.missed)
    call.ended_at, call.cause = now, event.cause
    call.queue = call.queue or event.queue
    call.missed = is_missed(call.direction, call.answered_at is not None, call.cause, call.queue)
    if not call.missed or call.phone is None:
        return CallOutcome("recorded", call.missed)  # nobody to call back: anonymous
    task = await calls.open_callback(call.phone)
    if task is not None:
        task.missed_calls += 1  # one task per caller: the first miss's deadline still binds
        return CallOutcome("recorded", True, task.callback_id)
    rules = deps.calls.callbacks
    hours = WorkingHours(rules.working_hours_start, rules.working_hours_end)
    missed_at = call.rang_at or now
    task = CallbackRow(
        phone=call.phone,
        call_id=call.call_id,
        missed_calls=1,
        missed_at=missed_at,
        due_at=callback_due(missed_at, rules.within_working_minutes, hours),
        state="open",
        tries=[],
    )
    calls.add(task)
    await calls.session.flush()  # its id, for the answer
    return CallOutcome("recorded", True, task.callback_id)
