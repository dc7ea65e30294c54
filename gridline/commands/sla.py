"""``gridline sla …``: the SLA service's operator commands."""

import asyncio
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from services.sla.bench import BenchResult

app = typer.Typer(help="时限 SLA: deadlines and their benchmark.", no_args_is_help=True)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


@app.command()
def bench(
    sizes: Annotated[str, typer.Option(help="Open deadlines to hold, comma-separated")] = (
        "100000,1000000"
    ),
    due: Annotated[int, typer.Option(help="How many of them fall due during the window")] = 5000,
    window: Annotated[float, typer.Option(help="Seconds over which those fall due")] = 20.0,
    poll: Annotated[float, typer.Option(help="Poll interval when idle (the service's)")] = 1.0,
    batch: Annotated[int, typer.Option(help="Deadlines fired per transaction")] = 500,
    sqlite: Annotated[bool, typer.Option(help="Run on SQLite")] = True,
    postgres: Annotated[
        str,
        typer.Option(
            help="PostgreSQL admin URL (a throwaway database is created beside it); default "
            "$GRIDLINE_BENCH_POSTGRES_URL or $GRIDLINE_TEST_DATABASE_URL; '-' to skip"
        ),
    ] = "",
) -> None:
    """Measures open deadlines held and how late the p99 deadline fires (not a test)."""
    from asyncpg import PostgresError

    from services.sla.bench import BenchResult, create_postgres_database, measure, prepare

    admin = (
        postgres
        or os.environ.get("GRIDLINE_BENCH_POSTGRES_URL", "")
        or os.environ.get("GRIDLINE_TEST_DATABASE_URL", "")
    )
    counts = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    results: list[BenchResult] = []
    typer.echo(f"machine: {_machine()}")
    typer.echo(f"date:    {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")

    async def one(url: str, size: int, label: str) -> BenchResult:
        with typer.progressbar(length=size, label=f"{label} {size:>9,} 写入 inserting") as bar:
            prepared = await prepare(url, size, due, window, bar.update)
        with typer.progressbar(length=due, label=f"{label} {size:>9,} 触发 firing   ") as bar:
            return await measure(prepared, window, poll, batch, bar.update)

    async def main() -> None:
        for size in counts:
            if sqlite:
                with tempfile.TemporaryDirectory() as tmp:
                    url = f"sqlite+aiosqlite:///{tmp}/bench.db"
                    results.append(await one(url, size, "sqlite    "))
            if admin and admin != "-":
                try:
                    url, drop = await create_postgres_database(admin)
                except (OSError, PostgresError) as exc:
                    typer.secho(f"postgresql skipped: {exc}", fg="yellow", err=True)
                    continue
                try:
                    results.append(await one(url, size, "postgresql"))
                finally:
                    await drop()

    asyncio.run(main())
    _print_table(results)


def _print_table(results: "list[BenchResult]") -> None:
    typer.echo("")
    typer.echo(
        "| backend | open deadlines held | insert (s) | idle poll (ms) | fired | "
        "lateness p50 (ms) | p99 (ms) | max (ms) |"
    )
    typer.echo("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        typer.echo(
            f"| {r.backend} | {r.open_deadlines:,} (still open {r.still_open:,}) | "
            f"{r.insert_seconds} | {r.idle_poll_ms} | {r.fired:,} | {r.lateness_p50_ms} | "
            f"{r.lateness_p99_ms} | {r.lateness_max_ms} |"
        )


@app.command()
def cost(
    sizes: Annotated[
        str, typer.Option(help="Open deadlines held before the count, comma-separated")
    ] = "1000,25000",
    orders: Annotated[int, typer.Option(min=1, help="Orders whose whole life is counted")] = 500,
    postgres: Annotated[
        str,
        typer.Option(
            help="PostgreSQL admin URL (a throwaway database per size is created beside it); "
            "default: SQLite only"
        ),
    ] = "",
) -> None:
    """CPU ms per order at each number of open deadlines held, in this one process, and the
    ratio of the largest size's figure to the smallest's (issue 25: it should stay near 1)."""
    from services.sla.bench import create_postgres_database
    from services.sla.bench.cost import CostLine, cost_at
    from services.sla.config import SlaSettings, load_deps

    counts = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    deps = load_deps(SlaSettings())
    lines: list[CostLine] = []
    typer.echo(f"machine: {_machine()}")
    typer.echo(f"date:    {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")

    async def one(url: str, size: int, label: str) -> CostLine:
        with typer.progressbar(length=size, label=f"{label} {size:>9,} preloading") as bar:
            return await cost_at(url, size, orders, deps, bar.update)

    async def main() -> None:
        for size in counts:
            with tempfile.TemporaryDirectory() as tmp:
                lines.append(await one(f"sqlite+aiosqlite:///{tmp}/cost.db", size, "sqlite    "))
            if postgres:
                url, drop = await create_postgres_database(postgres)
                try:
                    lines.append(await one(url, size, "postgresql"))
                finally:
                    await drop()

    asyncio.run(main())
    typer.echo("")
    typer.echo(
        "| backend | open deadlines held | orders | CPU ms per order | server CPU ms | "
        "statements per order | ÷ smallest size |"
    )
    typer.echo("|---|---:|---:|---:|---:|---:|---:|")
    first: dict[str, float] = {}
    for line in lines:
        base = first.setdefault(line.backend, line.cpu_ms)
        server = "–" if line.server_cpu_ms is None else f"{line.server_cpu_ms}"
        typer.echo(
            f"| {line.backend} | {line.open_deadlines:,} | {line.orders} | {line.cpu_ms} | "
            f"{server} | {line.statements} | {line.cpu_ms / base:.2f} |"
        )
