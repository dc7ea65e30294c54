"""``gridline sla …``: the SLA service's operator commands."""

import typer

app = typer.Typer(help="时限 SLA: deadlines and their benchmark.", no_args_is_help=True)
