from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class SlaSettings(ServiceSettings):
    service_name: ClassVar[str] = "sla"
    default_port: ClassVar[int] = 8103

    poll_seconds: float = Field(1.0, gt=0, description="How often due deadlines are looked for")
    resolve_hours_default: int = Field(120, ge=1, description="Resolution limit without a policy")
