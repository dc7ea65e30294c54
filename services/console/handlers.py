"""Every write the console makes is to its own accounts: sign-in attempts and the sessions they
open, sign-out, add, reset, disable. One shape: ``(command, uow, deps) -> events``; the EVENTS
and COMMANDS tables are at the bottom.

The console publishes nothing and consumes nothing (it reads the other services over HTTP), so
it has no outbox: its unit of work is the accounts database's transaction alone (``Accounts``),
every handler returns no events and answers its caller through ``uow.answer``.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.domain.accounts import (
    AccountSpec,
    AttemptState,
    LockPolicy,
    after_failure,
    failure_message,
    may_try,
)
from services.console.domain.sessions import SessionPolicy, digest, expires_at
from services.console.store import SessionRepository, SessionRow, UserRepository, UserRow
from shared.auth import validate_role
from shared.clock import Clock
from shared.contracts import Event
from shared.db import Database
from shared.refusals import Refusal
from shared.unit_of_work import CommandBus, HandlerTable, UnitOfWork, UnitsOfWork

_hasher = PasswordHasher()
# Checked when the username is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class AccountDeps:
    policy: LockPolicy
    sessions: SessionPolicy = field(default_factory=SessionPolicy)


@dataclass(frozen=True)
class SignIn:
    username: str
    password: str


@dataclass(frozen=True)
class SignedIn:
    ok: bool
    message: str = ""
    user: UserRow | None = None
    session: str = ""  # the new session's token, for the cookie alone


@dataclass(frozen=True)
class SignOut:
    session: str


@dataclass(frozen=True)
class AddUser:
    account: AccountSpec
    password: str


@dataclass(frozen=True)
class ResetPassword:
    username: str
    password: str


@dataclass(frozen=True)
class DisableUser:
    username: str


@dataclass(frozen=True)
class SeedAccounts:
    """The demo organisation's accounts, once, into an empty accounts table."""

    accounts: tuple[AccountSpec, ...]
    password: str


class AccountError(Refusal):
    code = "account"


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise AccountError("密码至少 8 位 (password: at least 8 characters)")
    return _hasher.hash(password)


def _state(row: UserRow) -> AttemptState:
    return AttemptState(row.failed_attempts, row.locked_until, row.disabled)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def sign_in(command: SignIn, uow: UnitOfWork, deps: AccountDeps) -> Sequence[Event]:
    """``uow.answer``: ``SignedIn``, the user's row when the password was right."""
    uow.answer = await _sign_in(command, uow.session, deps, uow.now)
    return []


async def _sign_in(
    command: SignIn, session: AsyncSession, deps: AccountDeps, now: datetime
) -> SignedIn:
    row = await UserRepository(session).get_for_update(command.username.strip().lower())
    if row is not None:
        await SessionRepository(session).end_expired(row.username, now)
    if row is None:
        _verify(_DUMMY_HASH, command.password)
        return SignedIn(False, failure_message(AttemptState(0, None, False), deps.policy))
    verdict = may_try(_state(row), now)
    if not verdict.allowed:
        return SignedIn(False, verdict.message)
    if not _verify(row.password_hash, command.password):
        state = after_failure(_state(row), now, deps.policy)
        row.failed_attempts, row.locked_until = state.failed_attempts, state.locked_until
        return SignedIn(False, failure_message(state, deps.policy))
    row.failed_attempts, row.locked_until, row.last_sign_in_at = 0, None, now
    return SignedIn(True, user=row, session=_open_session(session, row.username, now, deps))


def _open_session(session: AsyncSession, username: str, now: datetime, deps: AccountDeps) -> str:
    token = secrets.token_urlsafe(32)
    SessionRepository(session).add(
        SessionRow(
            digest=digest(token),
            username=username,
            created_at=now,
            expires_at=expires_at(now, deps.sessions),
        )
    )
    return token


async def sign_out(command: SignOut, uow: UnitOfWork, deps: AccountDeps) -> Sequence[Event]:
    """Ends every session of the signed-in account, so no copy of any of its cookies (another
    browser, a copied cookie) stays signed in. ``uow.answer``: how many ended."""
    sessions = SessionRepository(uow.session)
    user = await sessions.user_of(digest(command.session), uow.now) if command.session else None
    uow.answer = await sessions.end_all(user.username) if user is not None else 0
    return []


async def add_user(command: AddUser, uow: UnitOfWork, deps: AccountDeps) -> Sequence[Event]:
    """``uow.answer``: the new row."""
    spec = command.account
    validate_role(spec.role)
    repo = UserRepository(uow.session)
    if await repo.get(spec.username) is not None:
        raise AccountError(f"用户 {spec.username} 已存在 (already exists)")
    row = UserRow(
        username=spec.username,
        display_name=spec.display_name,
        role=spec.role,
        person_id=spec.person_id,
        password_hash=hash_password(command.password),
        failed_attempts=0,
        locked_until=None,
        disabled=False,
        must_change_password=False,
        created_at=uow.now,
        last_sign_in_at=None,
    )
    repo.add(row)
    uow.answer = row
    return []


async def seed_accounts(
    command: SeedAccounts, uow: UnitOfWork, deps: AccountDeps
) -> Sequence[Event]:
    """``uow.answer``: how many accounts were created (none when any account exists)."""
    uow.answer = 0
    if await UserRepository(uow.session).any():
        return []
    for spec in command.accounts:
        await add_user(AddUser(spec, command.password), uow, deps)
    uow.answer = len(command.accounts)
    return []


async def _existing(session: AsyncSession, username: str) -> UserRow:
    row = await UserRepository(session).get_for_update(username)
    if row is None:
        raise AccountError(f"没有用户 {username} (no such user)")
    return row


async def reset_password(
    command: ResetPassword, uow: UnitOfWork, deps: AccountDeps
) -> Sequence[Event]:
    """A new password also lifts a lock-out and re-enables the account."""
    row = await _existing(uow.session, command.username)
    row.password_hash = hash_password(command.password)
    row.failed_attempts, row.locked_until, row.disabled = 0, None, False
    # Whoever knew the old password may hold a session: none survives the reset.
    await SessionRepository(uow.session).end_all(row.username)
    uow.answer = row
    return []


async def disable_user(command: DisableUser, uow: UnitOfWork, deps: AccountDeps) -> Sequence[Event]:
    row = await _existing(uow.session, command.username)
    row.disabled = True
    await SessionRepository(uow.session).end_all(row.username)
    uow.answer = row
    return []


EVENTS: HandlerTable[AccountDeps] = {}  # the console consumes no events
COMMANDS: HandlerTable[AccountDeps] = {
    SignIn: sign_in,  # POST /login: a sign-in attempt; failures count towards a lock-out
    SignOut: sign_out,  # POST /logout: ends every session of the account
    AddUser: add_user,  # gridline users add
    ResetPassword: reset_password,  # gridline users reset: also lifts a lock-out, ends sessions
    DisableUser: disable_user,  # gridline users disable: also ends its sessions
    SeedAccounts: seed_accounts,  # the demo accounts at start-up (demo_accounts=true)
}


class Accounts(CommandBus[AccountDeps]):
    """The console's command bus: each command in its own unit of work on the accounts database.
    The console has no outbox, so a handler that returned events would be a mistake."""

    def __init__(self, db: Database, clock: Clock, deps: AccountDeps) -> None:
        super().__init__(UnitsOfWork(db, None, clock), COMMANDS, deps)
