"""The four services by name, for the launcher and ``gridline serve``."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from fastapi import FastAPI


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    label: str
    default_port: int
    module: str

    def create_app(self) -> FastAPI:
        factory: Callable[[], FastAPI] = import_module(f"{self.module}.app").create_app
        return factory()


SERVICES: dict[str, ServiceSpec] = {
    "intake": ServiceSpec("intake", "受理 intake", 8101, "services.intake"),
    "router": ServiceSpec("router", "派单 router", 8102, "services.router"),
    "sla": ServiceSpec("sla", "时限 sla", 8103, "services.sla"),
    "scoring": ServiceSpec("scoring", "考核 scoring", 8104, "services.scoring"),
}
