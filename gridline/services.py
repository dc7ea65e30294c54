"""The services by name, for the launcher and ``gridline serve``."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from fastapi import FastAPI

from shared.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    label: str
    default_port: int
    module: str
    settings: str

    def create_app(self) -> FastAPI:
        factory: Callable[[], FastAPI] = import_module(f"{self.module}.app").create_app
        return factory()

    def settings_class(self) -> type[ServiceSettings]:
        cls: type[ServiceSettings] = getattr(import_module(f"{self.module}.config"), self.settings)
        return cls


SERVICES: dict[str, ServiceSpec] = {
    "intake": ServiceSpec("intake", "受理 intake", 8101, "services.intake", "IntakeSettings"),
    "router": ServiceSpec("router", "派单 router", 8102, "services.router", "RouterSettings"),
    "sla": ServiceSpec("sla", "时限 sla", 8103, "services.sla", "SlaSettings"),
    "scoring": ServiceSpec("scoring", "考核 scoring", 8104, "services.scoring", "ScoringSettings"),
    "notify": ServiceSpec("notify", "通知 notify", 8105, "services.notify", "NotifySettings"),
    "outreach": ServiceSpec(
        "outreach", "外联 outreach", 8106, "services.outreach", "OutreachSettings"
    ),
    "console": ServiceSpec(
        "console", "控制台 console", 8100, "services.console", "ConsoleSettings"
    ),
}
