from pathlib import Path
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class SlaSettings(ServiceSettings):
    service_name: ClassVar[str] = "sla"
    default_port: ClassVar[int] = 8103

    console_url: str = Field(
        "", description="The web console's address: the dashboard links each order to its page"
    )
    poll_seconds: float = Field(1.0, gt=0, description="How often due deadlines are looked for")
    poll_batch: int = Field(500, ge=1, description="Deadlines fired per transaction")
    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    policies_file: Path = Field(Path("sla_policies.yaml"), description="Relative to config_dir")
    calendar_file: Path = Field(
        Path("calendar_overrides.yaml"), description="Relative to config_dir"
    )
    gauges_seconds: float = Field(
        15.0, gt=0, description="How often the gauges on /metrics are recounted"
    )
    dashboard_refresh_seconds: int = Field(
        15, ge=2, description="How often the operations-room page fetches new numbers"
    )
