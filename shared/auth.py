"""Bearer tokens carrying a role: operator, department:<CODE>, head:<CODE>, ops, admin, and pbx
(the hotline's telephone system, which may only post call events to intake)."""

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

ROLE_PATTERN = re.compile(r"^(operator|ops|admin|pbx|(department|head):[A-Z0-9_]+)$")


class AuthError(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    role: str
    subject: str

    @property
    def kind(self) -> str:
        return self.role.split(":", 1)[0]

    @property
    def department(self) -> str | None:
        """The department a department or head role belongs to."""
        return self.role.split(":", 1)[1] if ":" in self.role else None

    def is_any(self, *kinds: str) -> bool:
        return self.kind in kinds


def validate_role(role: str) -> str:
    if not ROLE_PATTERN.match(role):
        raise AuthError(
            f"unknown role {role!r}: use operator, ops, admin, pbx, department:<CODE> "
            "or head:<CODE>"
        )
    return role


def issue_token(secret: str, role: str, subject: str, now: datetime, ttl: timedelta) -> str:
    validate_role(role)
    claims = {
        "role": role,
        "sub": subject,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


# Tokens already verified, until they expire: a client sends the same token with every request,
# and verifying it again cost ~0.1 ms of CPU each time (issue 14).
_verified: dict[tuple[str, str], tuple[Principal, float]] = {}
_VERIFIED_MAX = 4096


def read_token(secret: str, token: str) -> Principal:
    known = _verified.get((secret, token))
    if known is not None and time.time() < known[1]:
        return known[0]
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"])
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthError("invalid token") from exc
    role = str(claims.get("role", ""))
    validate_role(role)
    who = Principal(role=role, subject=str(claims.get("sub", "")))
    expires = claims.get("exp")
    if isinstance(expires, int | float):
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[(secret, token)] = (who, float(expires))
    return who
