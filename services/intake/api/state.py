"""What the routes get from the app's state (set by ``app.create_app``), as FastAPI
dependencies: the runtime (database, clock), the command bus and the settings."""

from typing import Annotated, cast

from fastapi import Depends, Request

from services.intake.config import IntakeDeps, IntakeSettings
from shared.runtime import ServiceRuntime
from shared.unit_of_work import CommandBus


async def _runtime(request: Request) -> ServiceRuntime:
    return cast(ServiceRuntime, request.app.state.runtime)


async def _bus(request: Request) -> CommandBus[IntakeDeps]:
    return cast(CommandBus[IntakeDeps], request.app.state.commands)


async def _settings(request: Request) -> IntakeSettings:
    return cast(IntakeSettings, request.app.state.settings)


Runtime = Annotated[ServiceRuntime, Depends(_runtime)]
Bus = Annotated[CommandBus[IntakeDeps], Depends(_bus)]
Settings = Annotated[IntakeSettings, Depends(_settings)]
