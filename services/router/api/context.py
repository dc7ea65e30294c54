"""What every route gets through FastAPI dependencies: the service's runtime (database, clock),
its command bus and its deps bundle, all set on ``app.state`` by ``app.create_app``."""

from typing import Annotated, cast

from fastapi import Depends, Request

from services.router.config import RouterDeps
from shared.runtime import ServiceRuntime
from shared.unit_of_work import CommandBus


def _runtime(request: Request) -> ServiceRuntime:
    return cast(ServiceRuntime, request.app.state.runtime)


def _bus(request: Request) -> CommandBus[RouterDeps]:
    return cast(CommandBus[RouterDeps], request.app.state.bus)


def _deps(request: Request) -> RouterDeps:
    return cast(RouterDeps, request.app.state.deps)


Runtime = Annotated[ServiceRuntime, Depends(_runtime)]
Bus = Annotated[CommandBus[RouterDeps], Depends(_bus)]
Deps = Annotated[RouterDeps, Depends(_deps)]
