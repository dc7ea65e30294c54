"""Signed order links in messages: notify signs them, the console opens them — the order for the
person it was sent to, acknowledged in one tap after sign-in. The token is a short-lived HS256
JWT signed with the services' token secret; it names the order and the person and is no bearer
token (it grants nothing: the reader still signs in). A contract between services, so it lives
here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

PURPOSE = "order-link"


@dataclass(frozen=True)
class LinkClaims:
    order_id: str
    person_id: str
    assignment_id: int | None


class BadLink(Exception):
    pass


def sign(secret: str, claims: LinkClaims, now: datetime, ttl: timedelta) -> str:
    body = {
        "purpose": PURPOSE,
        "order": claims.order_id,
        "sub": claims.person_id,
        "asg": claims.assignment_id,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(body, secret, algorithm="HS256")


def verify(secret: str, token: str, now: datetime) -> LinkClaims:
    """The claims of a link signed by us; its age is judged by the service's clock (``now``),
    not the machine's, so a demo or test clock keeps its links valid."""
    try:
        body = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"verify_exp": False, "verify_iat": False, "require": ["exp"]},
        )
    except jwt.InvalidTokenError as exc:
        raise BadLink("链接无效") from exc
    if body.get("purpose") != PURPOSE:
        raise BadLink("链接无效")
    if int(body["exp"]) < now.timestamp():
        raise BadLink("链接已过期")
    assignment = body.get("asg")
    return LinkClaims(
        order_id=str(body["order"]),
        person_id=str(body["sub"]),
        assignment_id=int(assignment) if assignment is not None else None,
    )


def url(base: str, token: str) -> str:
    return f"{base}/l/{token}"
