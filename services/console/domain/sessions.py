"""Sign-in sessions, pure: what the server keeps of a session's token and when it ends.

The cookie carries a random token; the server keeps only its SHA-256 digest beside the
account, so a session ends for every copy of its cookie the moment its row is deleted, and a
copy of the table opens none. No I/O; the time is passed in."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SessionPolicy:
    lasts: timedelta = timedelta(hours=10)  # a shift


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expires_at(signed_in_at: datetime, policy: SessionPolicy) -> datetime:
    return signed_in_at + policy.lasts
