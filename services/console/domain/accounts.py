"""Accounts, pure: whether a sign-in may go on, what a wrong password does, and the demo
organisation's accounts. No I/O; the time is passed in."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.organisation import Organisation


@dataclass(frozen=True)
class LockPolicy:
    attempts: int = 5
    lock_for: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class AttemptState:
    failed_attempts: int
    locked_until: datetime | None
    disabled: bool


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    message: str = ""


def may_try(state: AttemptState, now: datetime) -> Verdict:
    """Before the password is even checked: a disabled or locked account is refused, so a
    locked account cannot be used to test guesses."""
    if state.disabled:
        return Verdict(False, "账号已停用，请联系管理员")
    if state.locked_until is not None and now < state.locked_until:
        return Verdict(False, "密码错误次数过多，账号已锁定，请稍后再试或联系管理员重置")
    return Verdict(True)


def after_failure(state: AttemptState, now: datetime, policy: LockPolicy) -> AttemptState:
    failures = state.failed_attempts + 1
    if failures >= policy.attempts:
        return AttemptState(0, now + policy.lock_for, state.disabled)
    return AttemptState(failures, None, state.disabled)


def failure_message(state: AttemptState, policy: LockPolicy) -> str:
    if state.locked_until is not None:
        return "密码错误次数过多，账号已锁定，请稍后再试或联系管理员重置"
    left = policy.attempts - state.failed_attempts
    return f"用户名或密码错误（再错 {left} 次将锁定账号）"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    display_name: str
    role: str
    person_id: str | None = None


def demo_accounts(org: Organisation) -> list[AccountSpec]:
    """An operator, the duty room, and everyone in the organisation: heads as head:DEPT, the
    rest as department:DEPT, each signed in as themselves (their person id)."""
    accounts = [
        AccountSpec("operator", "接线员（演示）", "operator"),
        AccountSpec("ops", "运维值班（演示）", "ops"),
    ]
    for person in org.people:
        department = org.department_of_person(person.id)
        if department is None:
            continue
        kind = "head" if person.role == "head" else "department"
        accounts.append(
            AccountSpec(person.id.lower(), person.name, f"{kind}:{department}", person.id)
        )
    return accounts
