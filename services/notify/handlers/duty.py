"""Who the router has on each team's duty, as it names them on ``gridline.activity`` after a
head's roster change (``TeamDutyNamed``, issue 19): kept as the newest naming per team, exactly
as a dispatch's own naming is (``orders``), so the next ``team_duty`` message wakes the person
the change put on duty — not the one it took off — even before the team's next dispatch."""

from collections.abc import Sequence

from services.notify.config import NotifyDeps
from services.notify.store import TeamDutyRepository
from shared.contracts import Event, TeamDutyNamed
from shared.unit_of_work import UnitOfWork


async def on_team_duty_named(
    event: TeamDutyNamed, uow: UnitOfWork, _deps: NotifyDeps
) -> Sequence[Event]:
    repo = TeamDutyRepository(uow.session)
    for unit, days in event.payload.teams.items():
        await repo.announce(unit, [d.model_dump(mode="json") for d in days], event.occurred_at)
    return []
