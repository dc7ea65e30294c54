"""The router's types for what routes read from ``app.state`` (``shared.state``): the runtime
(database, clock), the command bus and the deps bundle."""

from services.router.config import RouterDeps
from shared import state
from shared.state import Runtime

__all__ = ["Bus", "Deps", "Runtime"]

Bus = state.Bus[RouterDeps]
Deps = state.Deps[RouterDeps]
