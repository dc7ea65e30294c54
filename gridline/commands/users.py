"""``gridline users add|reset|disable``: the console's accounts, on the console's own database
(GRIDLINE_DATABASE_URL, or var/console.db of the embedded default)."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

app = typer.Typer(help="控制台账号: console accounts (operators, grid workers, heads, ops).")

T = TypeVar("T")

Password = Annotated[
    str,
    typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8"),
]
VarDir = Annotated[Path, typer.Option(help="The embedded default's data directory")]


def _run(var_dir: Path, work: Callable[[Any], Awaitable[T]]) -> T:
    from services.console.app import MIGRATIONS
    from services.console.config import ConsoleSettings
    from services.console.domain.accounts import LockPolicy
    from services.console.handlers import AccountDeps, Accounts
    from shared.clock import SystemClock
    from shared.db import Database
    from shared.migrations import upgrade

    settings = ConsoleSettings(var_dir=var_dir)

    async def go() -> T:
        db = Database(settings.resolved_database_url())
        await db.start()
        try:
            await upgrade(db, MIGRATIONS)
            deps = AccountDeps(LockPolicy(settings.lockout_attempts))
            return await work(Accounts(db, SystemClock(), deps))
        finally:
            await db.stop()

    return asyncio.run(go())


def _fail(exc: Exception) -> typer.Exit:
    typer.secho(str(exc), fg="red", err=True)
    return typer.Exit(2)


@app.command()
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name, e.g. w-0301")],
    role: Annotated[str, typer.Option(help="operator | ops | admin | department:CODE | head:CODE")],
    name: Annotated[str, typer.Option(help="Shown on every page, e.g. 褚建国")],
    password: Password,
    person: Annotated[str, typer.Option(help="The person id in org.yaml (workers, heads)")] = "",
    var_dir: VarDir = Path("var"),
) -> None:
    """Add an account."""
    from services.console.domain.accounts import AccountSpec
    from services.console.handlers import AccountError, AddUser
    from shared.auth import AuthError

    spec = AccountSpec(username.strip().lower(), name, role, person or None)
    try:
        _run(var_dir, lambda accounts: accounts.handle(AddUser(spec, password)))
    except (AccountError, AuthError) as exc:
        raise _fail(exc) from None
    typer.echo(f"added {spec.username} ({role})")


@app.command()
def reset(
    username: Annotated[str, typer.Argument()],
    password: Password,
    var_dir: VarDir = Path("var"),
) -> None:
    """Set a new password; this also lifts a lock-out, re-enables the account and ends its
    open sessions (every copy of its cookies)."""
    from services.console.handlers import AccountError, ResetPassword

    command = ResetPassword(username.strip().lower(), password)
    try:
        _run(var_dir, lambda accounts: accounts.handle(command))
    except AccountError as exc:
        raise _fail(exc) from None
    typer.echo(f"reset {command.username}: unlocked, new password set, signed out everywhere")


@app.command()
def disable(username: Annotated[str, typer.Argument()], var_dir: VarDir = Path("var")) -> None:
    """Disable an account: it can no longer sign in, and its open sessions end at once."""
    from services.console.handlers import AccountError, DisableUser

    command = DisableUser(username.strip().lower())
    try:
        _run(var_dir, lambda accounts: accounts.handle(command))
    except AccountError as exc:
        raise _fail(exc) from None
    typer.echo(f"disabled {command.username}")
