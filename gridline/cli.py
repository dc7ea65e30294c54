"""The ``gridline`` console command."""

import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gridline.commands import asyncapi as asyncapi_commands
from gridline.commands import console as console_commands
from gridline.commands import dlq as dlq_commands
from gridline.commands import outbox as outbox_commands
from gridline.commands import scoring as scoring_commands
from gridline.commands import sla as sla_commands
from gridline.commands import users as users_commands
from gridline.services import SERVICES

if TYPE_CHECKING:
    from gridline.launcher import LaunchPlan, RunningSystem

app = typer.Typer(
    help="Gridline: the work-order backbone of a water utility's service grids.",
    no_args_is_help=True,
    add_completion=False,
)


def _own_command() -> str:
    """How to call this command again from here (it need not be on PATH: ./.venv/bin/…)."""
    import shutil

    found = shutil.which("gridline")
    own = Path(sys.executable).parent / "gridline"
    if found and Path(found).resolve() == own.resolve():
        return "gridline"
    try:
        return str(own.relative_to(Path.cwd()))
    except ValueError:
        return str(own)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@app.command()
def up(
    broker_port: Annotated[int, typer.Option(help="Embedded broker port")] = 19092,
    intake_port: int = 8101,
    router_port: int = 8102,
    sla_port: int = 8103,
    scoring_port: int = 8104,
    notify_port: int = 8105,
    outreach_port: int = 8106,
    console_port: Annotated[int, typer.Option(help="The web console")] = 8100,
    host: str = "127.0.0.1",
    var_dir: Annotated[Path, typer.Option(help="SQLite files and logs")] = Path("var"),
    database_url: Annotated[
        str,
        typer.Option(
            help="Instead of SQLite: a URL with {service}, e.g. "
            "postgresql+asyncpg://postgres@127.0.0.1:5432/gridline_{service}"
        ),
    ] = "",
) -> None:
    """Start everything: embedded broker, the services on SQLite, demo organisation."""
    from gridline.launcher import LaunchError, LaunchPlan, start

    plan = LaunchPlan(
        host=host,
        broker_port=broker_port,
        ports={
            "intake": intake_port,
            "router": router_port,
            "sla": sla_port,
            "scoring": scoring_port,
            "notify": notify_port,
            "outreach": outreach_port,
            "console": console_port,
        },
        var_dir=var_dir.resolve(),
        database_url_template=database_url,
    )
    # Ctrl-C reaches every process of the terminal's group: each service stops by itself, and
    # this supervisor must know that it was asked to, not take their exits for deaths. Installed
    # explicitly, because Python keeps an inherited "ignore" (a job a script started in the
    # background): the services' own handlers would stop them while this went on watching.
    # A terminating signal is handled the same way.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        running = start(plan, say=lambda line: typer.echo(line))
    except LaunchError as exc:
        typer.secho(f"gridline up: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    _supervise(plan, running)


def _supervise(plan: "LaunchPlan", running: "RunningSystem") -> None:
    """Until Ctrl-C (exit 0) or a service's death (reported, exit 1), then stops everything."""
    from gridline.launcher import watch

    stopped: str | None = None
    try:
        _print_addresses(plan)
        typer.echo("Press Ctrl-C to stop everything.")
        stopped = watch(running, say=lambda line: typer.echo(line))
    except KeyboardInterrupt:
        stopped = None  # Ctrl-C before the watch began: the same clean stop
    finally:
        # A second Ctrl-C while stopping would leave the broker (its own session) behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        typer.echo("stopping …")
        running.stop()
    if stopped is not None:
        typer.secho(
            f"{stopped} stopped unexpectedly; see {plan.var_dir / 'logs'}", fg="red", err=True
        )
        raise typer.Exit(1)
    typer.echo("stopped.")


def _print_addresses(plan: "LaunchPlan") -> None:
    host, ports = plan.host, plan.ports
    base = f"http://{host}"
    typer.echo("")
    typer.secho("Gridline is up (demo organisation loaded):", fg="green", bold=True)
    typer.echo(f"  受理 intake   {base}:{ports['intake']}/docs")
    typer.echo(f"  派单 router   {base}:{ports['router']}/docs")
    typer.echo(f"  时限 sla      {base}:{ports['sla']}/docs")
    command = _own_command()
    typer.echo(f"  SLA 看板      {base}:{ports['sla']}/#token=<{command} token --role ops>")
    typer.echo(f"  考核 scoring  {base}:{ports['scoring']}/docs")
    typer.echo(
        f"  通知 notify   {base}:{ports['notify']}/v1/messages  (本地接收：未配置企业微信/短信)"
    )
    typer.echo(f"  外联 outreach {base}:{ports['outreach']}/docs  (通知任务、微信群、培训登记)")
    typer.echo(f"  broker        {host}:{plan.broker_port}   data and logs: {plan.var_dir}")
    _print_console(f"{base}:{ports['console']}")
    typer.echo(f"  a token:      {command} token --role operator")


def _print_console(url: str) -> None:
    from services.console.config import ConsoleSettings

    password = ConsoleSettings(embedded=True).demo_password
    typer.secho(f"  控制台 console {url}/login", bold=True)
    typer.echo(f"    演示账号 (password {password}):")
    typer.echo("      operator  接线员          w-0301  网格员 褚建国 (用户维修处)")
    typer.echo("      p-0200    钱主任 (用户维修处负责人)   w-0101  网格员 郑晓明 (抄表处)")
    typer.echo("      ops       运维值班        every person of config/org.yaml: id in lower case")


@app.command()
def serve(
    service: Annotated[
        str,
        typer.Argument(help="intake | router | sla | scoring | notify | outreach | console"),
    ],
) -> None:
    """Run one service (what `gridline up` and the containers run)."""
    from pydantic import ValidationError

    from gridline.server import serve as serve_quietly
    from shared.config import ConfigError
    from shared.logging import configure_logging, get_logger
    from shared.settings import describe_invalid, unknown_variables

    spec = SERVICES.get(service)
    if spec is None:
        typer.secho(
            f"unknown service {service!r}: choose {', '.join(SERVICES)}", fg="red", err=True
        )
        raise typer.Exit(2)
    configure_logging(service, json_logs=os.environ.get("GRIDLINE_LOG_JSON", "true") != "false")
    for name in unknown_variables(os.environ, [s.settings_class() for s in SERVICES.values()]):
        get_logger("gridline").warning("unknown_setting", variable=name, hint="a typo?")
    try:
        application = spec.create_app()
    except ConfigError as exc:
        typer.secho(f"{service}: configuration error:\n{exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    except ValidationError as exc:
        typer.secho(f"{service}: bad setting:\n{describe_invalid(exc)}", fg="red", err=True)
        raise typer.Exit(2) from None
    settings = application.state.settings
    serve_quietly(application, settings.host, settings.resolved_port())


@app.command()
def token(
    role: Annotated[
        str, typer.Option(help="operator | ops | admin | pbx | department:CODE | head:CODE")
    ],
    subject: Annotated[str, typer.Option(help="Who the token is for")] = "demo",
    days: Annotated[int, typer.Option(min=1, max=365)] = 30,
) -> None:
    """Print a bearer token for the embedded default (signed with GRIDLINE_TOKEN_SECRET)."""
    from shared.auth import AuthError, issue_token
    from shared.settings import DEV_TOKEN_SECRET

    secret = os.environ.get("GRIDLINE_TOKEN_SECRET", DEV_TOKEN_SECRET)
    try:
        typer.echo(issue_token(secret, role, subject, datetime.now(UTC), timedelta(days=days)))
    except AuthError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


@app.command()
def bench(
    orders: Annotated[int, typer.Option(min=1, help="Orders in the burst")] = 300,
    concurrency: Annotated[int, typer.Option(min=1, max=256)] = 16,
    rate: Annotated[float, typer.Option(help="Open-loop orders/s for the latency figures")] = 20,
    rate_seconds: Annotated[float, typer.Option(help="How long the open-loop phase runs")] = 10,
    idle: Annotated[float, typer.Option(help="Seconds of idle CPU measured")] = 30,
    postgres: Annotated[
        str,
        typer.Option(
            envvar="GRIDLINE_BENCH_POSTGRES_URL",
            help="An admin URL: run on PostgreSQL (databases gl_bench_* created and dropped)",
        ),
    ] = "",
    replicas: Annotated[
        int,
        typer.Option(min=1, max=4, help="Router and SLA processes each, in one consumer group"),
    ] = 1,
    both: Annotated[
        bool,
        typer.Option(help="With --postgres: SQLite first, then PostgreSQL, in this one command"),
    ] = False,
    open_deadlines: Annotated[
        int,
        typer.Option(min=0, help="Open deadlines the SLA database holds before the run starts"),
    ] = 0,
) -> None:
    """Measure CPU, commits and messages per order, throughput, latency, idle CPU, memory
    (docs/benchmarks.md)."""
    from gridline.bench import run
    from gridline.launcher import LaunchError

    if both and not postgres:
        typer.secho("gridline bench: --both needs --postgres URL", fg="red", err=True)
        raise typer.Exit(2)
    for backend in ["", postgres] if both else [postgres]:
        label = f"posting orders ({'PostgreSQL' if backend else 'SQLite'})"
        try:
            with typer.progressbar(length=orders, label=label, file=sys.stderr) as bar:
                result = run(
                    orders,
                    concurrency,
                    say=lambda line: typer.echo(line, err=True),
                    progress=bar.update,
                    postgres=backend,
                    rate=rate,
                    rate_seconds=rate_seconds,
                    idle=idle,
                    replicas=replicas,
                    open_deadlines=open_deadlines,
                )
        except LaunchError as exc:
            typer.secho(f"gridline bench: {exc}", fg="red", err=True)
            raise typer.Exit(1) from None
        typer.echo(result.markdown() + "\n")


app.command("asyncapi")(asyncapi_commands.asyncapi)
app.add_typer(dlq_commands.app, name="dlq")
app.add_typer(outbox_commands.app, name="outbox")
app.add_typer(sla_commands.app, name="sla")
app.add_typer(scoring_commands.app, name="scoring")
app.add_typer(users_commands.app, name="users")
app.add_typer(console_commands.app, name="console")

migrations_app = typer.Typer(help="Each service's database migrations (alembic).")
app.add_typer(migrations_app, name="migrations")


@migrations_app.command("new")
def migrations_new(
    service: Annotated[str, typer.Argument(help="intake | router | sla | scoring")],
    message: Annotated[str, typer.Argument(help="What the revision changes")],
) -> None:
    """Autogenerate the service's next revision from its tables (its store module)."""
    from gridline.migrations import new_revision

    typer.echo(f"wrote {new_revision(service, message)}")


def main() -> None:
    sys.exit(app())
