from pathlib import Path
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: ClassVar[str] = "intake"
    default_port: ClassVar[int] = 8101

    taxonomy_file: Path = Field(Path("taxonomy.yaml"), description="Relative to config_dir")
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest accepted request body")
