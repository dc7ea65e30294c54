from pathlib import Path
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    service_name: ClassVar[str] = "scoring"
    default_port: ClassVar[int] = 8104

    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    rules_file: Path = Field(
        Path("scoring_rules.yaml"), description="Art. 18 rule book, relative to config_dir"
    )
