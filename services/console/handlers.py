"""Every write the console makes is to its own accounts: sign-in attempts, add, reset, disable.
One shape: ``(command, session, deps, now) -> outcome``; the COMMANDS table is at the bottom."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
from services.console.store import UserRepository, UserRow
from shared.auth import validate_role

_hasher = PasswordHasher()
# Checked when the username is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class AccountDeps:
    policy: LockPolicy


@dataclass(frozen=True)
class SignIn:
    username: str
    password: str


@dataclass(frozen=True)
class SignedIn:
    ok: bool
    message: str = ""
    user: UserRow | None = None


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


class AccountError(Exception):
    pass


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


async def sign_in(
    command: SignIn, session: AsyncSession, deps: AccountDeps, now: datetime
) -> SignedIn:
    row = await UserRepository(session).get_for_update(command.username.strip().lower())
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
    return SignedIn(True, user=row)


async def add_user(
    command: AddUser, session: AsyncSession, deps: AccountDeps, now: datetime
) -> UserRow:
    spec = command.account
    validate_role(spec.role)
    repo = UserRepository(session)
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
        created_at=now,
        last_sign_in_at=None,
    )
    repo.add(row)
    return row


async def _existing(session: AsyncSession, username: str) -> UserRow:
    row = await UserRepository(session).get_for_update(username)
    if row is None:
        raise AccountError(f"没有用户 {username} (no such user)")
    return row


async def reset_password(
    command: ResetPassword, session: AsyncSession, deps: AccountDeps, now: datetime
) -> UserRow:
    """A new password also lifts a lock-out and re-enables the account."""
    row = await _existing(session, command.username)
    row.password_hash = hash_password(command.password)
    row.failed_attempts, row.locked_until, row.disabled = 0, None, False
    return row


async def disable_user(
    command: DisableUser, session: AsyncSession, deps: AccountDeps, now: datetime
) -> UserRow:
    row = await _existing(session, command.username)
    row.disabled = True
    return row


Handler = Callable[[Any, AsyncSession, AccountDeps, datetime], Awaitable[Any]]

COMMANDS: dict[type, Handler] = {
    SignIn: sign_in,
    AddUser: add_user,
    ResetPassword: reset_password,
    DisableUser: disable_user,
}
