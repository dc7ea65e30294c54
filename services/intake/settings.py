from pathlib import Path
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: ClassVar[str] = "intake"
    default_port: ClassVar[int] = 8101

    taxonomy_file: Path = Field(Path("taxonomy.yaml"), description="Relative to config_dir")
    rules_file: Path = Field(Path("intake.yaml"), description="Relative to config_dir")
    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest accepted request body")
    max_batch: int = Field(200, ge=1, description="Most items in one batch request")
    reply_12345_url: str = Field(
        "", description="Where 12345 replies are POSTed; empty: a file under var_dir/replies"
    )
    reply_callback_url: str = Field(
        "", description="The SMS/callback gateway for 96568 callers; empty: a file under var_dir"
    )
    reply_timeout_seconds: float = Field(10, gt=0)
    reply_poll_seconds: float = Field(1.0, gt=0, description="How often the reply queue is read")
