"""``gridline outbox parked|retry``: the events a service's broker refused for good.

A row the broker will never take (larger than it accepts, say) is parked with its reason, so
that the rows behind it on other orders keep flowing; the order's own later events wait behind
it. Once the cause is fixed (the broker's limit raised, the row's producer corrected), ``retry``
puts it back in line; the service's relay sends it at its next round (at most
``GRIDLINE_OUTBOX_POLL_SECONDS`` later).
"""

import asyncio
from typing import Annotated, Any

import typer

from gridline.services import SERVICES
from shared.clock import SystemClock, to_local
from shared.db import Database, ServiceBase, new_metadata
from shared.outbox import Outbox
from shared.outbox_table import plumbing
from shared.topics import Topics

app = typer.Typer(
    help="发件箱 outbox: rows the broker refused for good (parked), and putting them back.",
    no_args_is_help=True,
)


class _Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


_OutboxRow = plumbing(_Base).outbox  # every service's ``outbox`` table, as declared in shared


Service = Annotated[str, typer.Argument(help="intake | router | sla | scoring")]
DatabaseUrl = Annotated[
    str,
    typer.Option(help="The service's database (default: its GRIDLINE_ settings)"),
]


def _database(service: str, url: str) -> Database:
    spec = SERVICES.get(service)
    if spec is None:
        typer.secho(f"unknown service {service!r}: choose {', '.join(SERVICES)}", fg="red")
        raise typer.Exit(2)
    if not url:
        url = spec.settings_class()().resolved_database_url()
    return Database(url)


async def _with_outbox(db: Database, work: Any) -> Any:
    await db.start()
    try:
        return await work(Outbox(_OutboxRow, SystemClock(), Topics()), db)
    finally:
        await db.stop()


@app.command()
def parked(service: Service, database_url: DatabaseUrl = "") -> None:
    """List the parked rows: number, event, order, when (Beijing time), size, reason."""
    db = _database(service, database_url)
    rows = asyncio.run(_with_outbox(db, lambda outbox, d: outbox.parked(d)))
    if not rows:
        typer.echo(f"{service}: no parked outbox rows 没有滞留的事件")
        return
    for row in rows:
        when = to_local(row.parked_at).strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(
            f"#{row.id}  {row.event_type}  {row.key}  {when}  {row[6]} bytes\n"
            f"    {row.parked_reason}"
        )


@app.command()
def retry(
    service: Service,
    ids: Annotated[list[int] | None, typer.Argument(help="Row numbers from `parked`")] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="Every parked row")] = False,
    database_url: DatabaseUrl = "",
) -> None:
    """Put parked rows back in line once their cause is fixed."""
    if not ids and not all_rows:
        typer.secho("name the rows to retry (see `gridline outbox parked`) or --all", fg="red")
        raise typer.Exit(2)
    db = _database(service, database_url)
    chosen = None if all_rows else list(ids or [])
    count = asyncio.run(_with_outbox(db, lambda outbox, d: outbox.unpark(d, chosen)))
    typer.echo(f"{service}: {count} row(s) back in line")
