"""``gridline scoring …``: the scoring service's operator commands."""

import typer

app = typer.Typer(help="考核 scoring: ledger replay and reports.", no_args_is_help=True)
