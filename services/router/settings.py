from pathlib import Path
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class RouterSettings(ServiceSettings):
    service_name: ClassVar[str] = "router"
    default_port: ClassVar[int] = 8102

    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    policy_file: Path = Field(Path("router.yaml"), description="Relative to config_dir")
    calendar_file: Path = Field(
        Path("calendar_overrides.yaml"), description="Relative to config_dir"
    )
    coverage_check_seconds: float = Field(
        60.0,
        gt=0,
        description="How often coverage readiness looks a week ahead (roster changes "
        "made over HTTP are seen at the next round)",
    )
    coverage_days: int = Field(7, ge=1, le=31, description="How far ahead coverage looks")
