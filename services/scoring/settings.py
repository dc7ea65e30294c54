from typing import ClassVar

from shared.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    service_name: ClassVar[str] = "scoring"
    default_port: ClassVar[int] = 8104
