"""Deadline arithmetic, pure: when a deadline is due and when it warns, and how a fair deadline
moves (a caller's pause, an extension, a fresh start for a receiving department)."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.sla.domain.limits import Limit, LimitName, Limits
from shared.contracts import DeadlineKind
from shared.workdays import WorkCalendar

# The deadlines that belong to the department holding the order (the reply is the utility's).
DEPARTMENT_DEADLINES: tuple[LimitName, ...] = ("acknowledge", "arrive", "resolve")
# Limits a 12345 platform deadline caps (办理时限 covers handling and the reply to the platform).
PLATFORM_CAPPED: frozenset[str] = frozenset({"resolve", "reply"})


@dataclass(frozen=True)
class Warning:
    """When yellow cards are shown: a share of the limit, or for working-day limits some
    working days before the deadline."""

    share: float = 0.8
    working_days_before: int = 1


@dataclass(frozen=True)
class NewDeadline:
    kind: DeadlineKind
    due: datetime
    purpose: str = "card"
    started_at: datetime | None = None
    clock: str = "24h"
    policy_due: datetime | None = None
    platform_due: datetime | None = None
    warn_at: datetime | None = None
    assignment_id: int | None = None
    department: str | None = None
    assignee_id: str | None = None
    explained: bool = False

    @property
    def next_at(self) -> datetime:
        return self.warn_at if self.warn_at is not None else self.due


def governing(policy_due: datetime | None, platform_due: datetime | None) -> datetime:
    """The earlier of the policy and the platform deadline governs; at least one is given."""
    candidates = [d for d in (policy_due, platform_due) if d is not None]
    if not candidates:
        raise ValueError("a deadline needs a policy or a platform due time")
    return min(candidates)


def warn_time(
    start: datetime, due: datetime, clock: str, warning: Warning, calendar: WorkCalendar
) -> datetime | None:
    """The yellow card's time, or None when there is no room for one before the deadline.
    A working-day deadline warns one working day before (the provincial hotline rule), a 24-hour
    one once the configured share of its limit has passed; a limit too short for a working day
    before falls back to the share."""
    if due <= start:
        return None
    warn = start + (due - start) * warning.share
    if clock == "working_days" and warning.working_days_before > 0:
        before = calendar.subtract_working_days(due, warning.working_days_before)
        if before > start:
            warn = before
    return warn if start < warn < due else None


def limit_deadline(
    kind: LimitName,
    limit: Limit | None,
    start: datetime,
    calendar: WorkCalendar,
    warning: Warning,
    platform_due: datetime | None = None,
) -> NewDeadline | None:
    """One policy limit started at ``start``, capped by the platform deadline where it applies."""
    policy_due = limit.due(start, calendar) if limit is not None else None
    platform = platform_due if kind in PLATFORM_CAPPED else None
    if policy_due is None and platform is None:
        return None
    due = governing(policy_due, platform)
    clock = limit.clock if limit is not None and due == policy_due else "24h"
    return NewDeadline(
        kind=kind,
        due=due,
        started_at=start,
        clock=clock,
        policy_due=policy_due,
        platform_due=platform,
        warn_at=warn_time(start, due, clock, warning, calendar),
    )


def opening_deadlines(
    limits: Limits,
    received_at: datetime,
    platform_deadline: datetime | None,
    needs_reply: bool,
    calendar: WorkCalendar,
    warning: Warning,
) -> list[NewDeadline]:
    """The deadlines a new order starts: sign-for, on site, resolution and reply."""
    made = []
    for kind in ("acknowledge", "arrive", "resolve", "reply"):
        if kind == "reply" and not needs_reply:
            continue
        deadline = limit_deadline(
            kind, limits.of(kind), received_at, calendar, warning, platform_deadline
        )
        if deadline is not None:
            made.append(deadline)
    return made


def restarted(
    kind: LimitName,
    limits: Limits,
    start: datetime,
    calendar: WorkCalendar,
    warning: Warning,
    platform_deadline: datetime | None,
    department: str | None,
    assignee_id: str | None,
) -> NewDeadline | None:
    """A clock started afresh for a department that receives an order (a return or a reopen):
    its own full limit, still capped by the platform deadline."""
    made = limit_deadline(kind, limits.of(kind), start, calendar, warning, platform_deadline)
    if made is None:
        return None
    return replace(made, department=department, assignee_id=assignee_id)


def supervision(
    at: datetime,
    deadline: datetime,
    calendar: WorkCalendar,
    warning: Warning,
    department: str | None,
    assignee_id: str | None,
) -> NewDeadline:
    """督办's answer deadline: the platform's own time, on the 24-hour clock, with a yellow card
    once the configured share of the time it gave has passed."""
    return NewDeadline(
        kind="supervise",
        due=deadline,
        started_at=at,
        platform_due=deadline,
        warn_at=warn_time(at, deadline, "24h", warning, calendar),
        department=department,
        assignee_id=assignee_id,
    )


def promised_answer(
    at: datetime,
    promised_at: datetime,
    calendar: WorkCalendar,
    warning: Warning,
    department: str | None,
    assignee_id: str | None,
) -> NewDeadline:
    """约定答复时间 (Art. 14): the time the holder told the caller, on the 24-hour clock, with a
    yellow card once the configured share of the time they gave themselves has passed."""
    return NewDeadline(
        kind="promise",
        due=promised_at,
        started_at=at,
        warn_at=warn_time(at, promised_at, "24h", warning, calendar),
        department=department,
        assignee_id=assignee_id,
    )


def caller_pause(
    previous_appointment: datetime | None, new_appointment: datetime, now: datetime
) -> timedelta:
    """How long the order now waits for the caller who asked to move the agreed time: from the
    old agreed time (or now, if that is later or there was none) to the new one."""
    waiting_from = max(previous_appointment or now, now)
    return max(new_appointment - waiting_from, timedelta(0))


@dataclass(frozen=True)
class Shifted:
    policy_due: datetime
    due: datetime
    warn_at: datetime | None


def shifted(
    start: datetime,
    policy_due: datetime,
    platform_due: datetime | None,
    pause: timedelta,
    clock: str,
    warned: bool,
    warning: Warning,
    calendar: WorkCalendar,
) -> Shifted:
    """A paused policy clock runs out later by the pause; the platform's deadline does not move
    (the platform does not wait for the caller)."""
    new_policy = policy_due + pause
    due = governing(new_policy, platform_due)
    warn = None if warned else warn_time(start, due, clock, warning, calendar)
    return Shifted(policy_due=new_policy, due=due, warn_at=warn)


def extended(
    start: datetime,
    new_deadline: datetime,
    clock: str,
    warning: Warning,
    calendar: WorkCalendar,
) -> Shifted:
    """An extension (延期) replaces both limits with the approved deadline and earns a new
    yellow card before it."""
    return Shifted(
        policy_due=new_deadline,
        due=new_deadline,
        warn_at=warn_time(start, new_deadline, clock, warning, calendar),
    )
