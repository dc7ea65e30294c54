"""What a route reads from ``app.state``, as FastAPI dependencies with their types: the one shape
``shared.service.set_state`` writes. A service names its own types once::

    Bus = state.Bus[RouterDeps]
    Deps = state.Deps[RouterDeps]

and its routes take ``runtime: Runtime, bus: Bus, deps: Deps``.
"""

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from shared.clock import Clock
from shared.runtime import ServiceRuntime
from shared.unit_of_work import CommandBus

D = TypeVar("D")
C = TypeVar("C")
S = TypeVar("S")


def runtime(request: Request) -> ServiceRuntime:
    found: ServiceRuntime = request.app.state.runtime
    return found


def clock(request: Request) -> Clock:
    found: Clock = request.app.state.clock
    return found


def bus(request: Request) -> CommandBus[Any]:
    found: CommandBus[Any] = request.app.state.bus
    return found


def deps(request: Request) -> Any:
    return request.app.state.deps


def settings(request: Request) -> Any:
    return request.app.state.settings


def context(request: Request) -> Any:
    return request.app.state.context


Runtime = Annotated[ServiceRuntime, Depends(runtime)]
Bus = Annotated[CommandBus[D], Depends(bus)]
Deps = Annotated[D, Depends(deps)]
Settings = Annotated[S, Depends(settings)]
Context = Annotated[C, Depends(context)]
