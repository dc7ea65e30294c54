"""Who is on a team's duty today, from the organisation file's rotation and swaps (the same
rule as the router's roster). Heads' changes made over the router's HTTP API are not seen here:
notify reads no other service's database."""

from datetime import date, datetime, timedelta

from shared.clock import to_local
from shared.organisation import Organisation


def duty_date(org: Organisation, at: datetime) -> date:
    local = to_local(at)
    if local.time() < org.rotation.handover:
        return local.date() - timedelta(days=1)
    return local.date()


def on_duty(org: Organisation, unit: str, at: datetime) -> str | None:
    day = duty_date(org, at)
    for swap in reversed(org.duty_swaps):
        if swap.unit == unit and swap.date == day:
            return swap.person
    rotation = next((t.on_duty_rotation for t in org.teams if t.code == unit), ())
    if not rotation:
        rotation = next((d.on_duty_rotation for d in org.departments if d.code == unit), ())
    if not rotation:
        return None
    return rotation[(day - org.rotation.epoch).days % len(rotation)]
