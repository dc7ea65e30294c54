"""A head's roster change is told to notify at once (issue 19): the router names every team's
people on duty after each change (``TeamDutyNamed`` on gridline.activity), and notify wakes the
person the change put on duty — before any later dispatch names them — while a dispatch worked
out before the change and read after it does not bring the old person back."""

from datetime import timedelta
from typing import Any

from services.notify.handlers import ACTIVITY_EVENTS
from services.router.handlers.commands import RosterChange, RotationChange, SetRotation, SetSwaps
from shared.contracts import TeamDutyNamed
from tests.unit import test_notify_handlers as notify
from tests.unit import test_router_handlers as router
from tests.unit.test_router_handlers import DEPS, UM_HEAD, WEDNESDAY_10, command

db = router.db  # the router's tables, for the router's half
notify_db = notify.db  # notify's tables, for notify's half

FILES = "P-0212"  # whom config/org.yaml's rotation has on UM-T1's duty on Wednesday 2 December


def named(events: Any) -> TeamDutyNamed:
    (found,) = [e for e in events if isinstance(e, TeamDutyNamed)]
    return found


async def test_a_swap_names_the_swapped_in_person_for_every_team_at_once(db: Any) -> None:
    swap = RosterChange([{"date": WEDNESDAY_10.date(), "person": "P-0211"}], immediate=True)
    events = await command(db, SetSwaps, UM_HEAD, "UM-T1", swap, WEDNESDAY_10, DEPS)
    told = named(events)
    assert told.worker_id == "*"
    assert set(told.payload.teams) == {t.code for t in DEPS.org.teams}
    today, tomorrow = told.payload.teams["UM-T1"][:2]
    assert (today.duty_date, today.person_id) == (WEDNESDAY_10.date(), "P-0211")
    assert tomorrow.person_id == "P-0210"  # the swap is for one duty day: the file's next


async def test_a_rotation_saved_without_immediate_names_the_new_list_from_the_handover(
    db: Any,
) -> None:
    edit = RotationChange(people=["P-0211"])
    events = await command(db, SetRotation, UM_HEAD, "UM-T1", edit, WEDNESDAY_10, DEPS)
    days = named(events).payload.teams["UM-T1"]
    assert days[0].person_id == FILES  # tonight's person stays on duty
    assert {d.person_id for d in days[1:]} == {"P-0211"}


def duty_named(person: str, at: Any) -> TeamDutyNamed:
    return TeamDutyNamed(
        worker_id="*",
        occurred_at=at,
        producer="router",
        payload={"teams": {"UM-T1": (notify.duty(person),)}},
    )


async def on_activity(notify_db: Any, event: TeamDutyNamed) -> Any:
    handled: Any = await notify_db.handle(ACTIVITY_EVENTS[TeamDutyNamed], event, notify.DEPS)
    return handled


async def test_notify_wakes_whom_the_roster_change_named(notify_db: Any) -> None:
    await notify.on(notify_db, notify.received("GL-R1"))
    before = notify.NOW - timedelta(hours=1)
    await notify.on(
        notify_db, notify.dispatched("GL-R1", team_duty=(notify.duty(FILES),), at=before)
    )
    await on_activity(notify_db, duty_named("P-0210", notify.NOW - timedelta(minutes=30)))
    # A dispatch worked out before the change, read after it, names the old person: ignored.
    stale = notify.NOW - timedelta(minutes=40)
    await notify.on(notify_db, notify.received("GL-R2"))
    await notify.on(
        notify_db, notify.dispatched("GL-R2", team_duty=(notify.duty(FILES),), at=stale)
    )
    await notify.on(notify_db, notify.red("GL-R1", "resolve", notify.NOW))
    people = [p for p, _ in await notify.red_cards(notify_db)]
    assert people == ["W-0301", "P-0210"]
