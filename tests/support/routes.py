"""Every route of every service, read from the OpenAPI documents, with the values to call it:
path parameters that name real things of one department (OWN), a valid body for each write,
and the roles of the token as the authorization and PII tests walk them."""

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from tests.support.system import token

OWN = "USER_MAINTENANCE"
OTHER = "METER_READING"
OWN_WORKER = "W-0301"
OWN_TEAM = "UM-T1"
OWN_TEAM_PEOPLE = ["P-0210", "P-0211", "P-0212"]

ROLES = (
    "operator",
    "ops",
    "admin",
    f"department:{OWN}",
    f"head:{OWN}",
    f"department:{OTHER}",
    f"head:{OTHER}",
)


def headers(role: str | None) -> dict[str, str]:
    return token(role) if role else {}


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    path: str
    has_body: bool

    @property
    def key(self) -> str:
        return f"{self.service} {self.method} {self.path}"

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


def routes_of(apps: dict[str, FastAPI]) -> list[Route]:
    found = []
    for service, app in apps.items():
        for path, operations in app.openapi()["paths"].items():
            for method, operation in operations.items():
                found.append(Route(service, method.upper(), path, "requestBody" in operation))
    return found


def fill(path: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match[1]
        if name not in values:
            raise AssertionError(f"no value for path parameter {name} in {path}")
        return values[name]

    return re.sub(r"\{(\w+)\}", one, path)


async def call(
    client: httpx.AsyncClient,
    route: Route,
    values: dict[str, str],
    bodies: dict[str, Any],
    role: str | None,
    query: dict[str, str] | None = None,
) -> httpx.Response:
    url = fill(route.path, values)
    if route.has_body:
        if route.key not in bodies:
            raise AssertionError(f"no sample body for {route.key}: add one to the test")
        body = bodies[route.key]
        content = json.dumps(body() if callable(body) else body, ensure_ascii=False)
        return await client.request(
            route.method,
            url,
            content=content.encode(),
            params=query,
            headers={**headers(role), "content-type": "application/json"},
        )
    return await client.request(route.method, url, params=query, headers=headers(role))
