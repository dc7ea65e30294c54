from pathlib import Path
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class RouterSettings(ServiceSettings):
    service_name: ClassVar[str] = "router"
    default_port: ClassVar[int] = 8102

    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    ack_minutes_normal: int = Field(30, ge=1, description="Time to sign for an ordinary order")
    ack_minutes_urgent: int = Field(10, ge=1, description="Time to sign for an urgent order")
