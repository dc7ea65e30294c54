"""Intake's types for what routes read from ``app.state`` (``shared.state``): the runtime
(database, clock), the command bus and the settings."""

from services.intake.config import IntakeDeps, IntakeSettings
from shared import state
from shared.state import Runtime

__all__ = ["Bus", "Runtime", "Settings"]

Bus = state.Bus[IntakeDeps]
Settings = state.Settings[IntakeSettings]
