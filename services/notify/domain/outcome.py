"""What one send's outcome leads to: done, another try after a backoff, or failed for good.

5xx answers, timeouts and the providers' "busy / rate-limited" codes are transient; anything
else a provider refuses (unknown user, bad number, bad credentials) is permanent and is not
retried: the person is unreachable now, and the A/B chain must move on at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Kind = Literal["sent", "transient", "permanent"]


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    detail: str = ""
    provider_ref: str = ""

    @classmethod
    def sent(cls, ref: str = "") -> "Outcome":
        return cls("sent", "", ref)

    @classmethod
    def transient(cls, detail: str) -> "Outcome":
        return cls("transient", detail)

    @classmethod
    def permanent(cls, detail: str) -> "Outcome":
        return cls("permanent", detail)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    base_seconds: float
    max_seconds: float

    def backoff(self, attempts_made: int) -> timedelta:
        seconds = self.base_seconds * 2 ** (attempts_made - 1)
        return timedelta(seconds=min(seconds, self.max_seconds))


@dataclass(frozen=True)
class Next:
    state: Literal["sent", "pending", "failed"]
    at: datetime | None = None


def after(outcome: Outcome, attempts_made: int, policy: RetryPolicy, now: datetime) -> Next:
    if outcome.kind == "sent":
        return Next("sent")
    if outcome.kind == "permanent" or attempts_made >= policy.attempts:
        return Next("failed")
    return Next("pending", now + policy.backoff(attempts_made))
