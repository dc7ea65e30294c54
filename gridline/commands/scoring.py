"""``gridline scoring …``: the scoring service's operator commands."""

import asyncio
from typing import Annotated, Any

import typer

app = typer.Typer(help="考核 scoring: ledger replay and reports.", no_args_is_help=True)


@app.command()
def rebuild(
    into: Annotated[
        str,
        typer.Option(
            help="Database URL to rebuild into (default: the scoring service's own, emptied first;"
            " stop the service while it runs)"
        ),
    ] = "",
) -> None:
    """Replays gridline.orders and gridline.activity from the beginning into a fresh ledger."""
    from services.scoring.config import ScoringSettings, load_rules
    from services.scoring.replay import rebuild as run_rebuild
    from services.scoring.store import InboxRow
    from shared.config import ConfigError
    from shared.inbox import Inbox

    settings = ScoringSettings()
    try:
        book = load_rules(settings.config_dir / settings.rules_file)
    except ConfigError as exc:
        typer.secho(f"scoring: configuration error:\n{exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    target = into or settings.resolved_database_url()
    bar: dict[str, Any] = {}

    def on_total(total: int) -> None:
        bar["bar"] = typer.progressbar(length=max(total, 1), label="重放事件 replaying")
        bar["bar"].__enter__()

    def on_advance(n: int) -> None:
        bar["bar"].update(n)

    try:
        summary = asyncio.run(
            run_rebuild(
                settings.kafka_bootstrap,
                settings.topics(),
                target,
                book,
                Inbox(InboxRow),
                on_total=on_total,
                on_advance=on_advance,
            )
        )
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    typer.echo(
        f"rebuilt {target}: {summary.read} read, {summary.applied} applied, "
        f"{summary.skipped} skipped, {summary.poison} unreadable"
    )
