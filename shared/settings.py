"""Settings from the environment (prefix ``GRIDLINE_``), one class per service on one base.

Unknown keys are refused (``extra="forbid"``) so that a typo in a deployment is a start-up error,
not a silently ignored value.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from pydantic import AwareDatetime, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.paths import CONFIG_DIR
from shared.topics import Topics

DEV_TOKEN_SECRET = "gridline-embedded-dev-secret-change-me"


# Read by tools and tests, not by a service's settings.
TOOL_VARIABLES = frozenset(
    {"GRIDLINE_TEST_DATABASE_URL", "GRIDLINE_BENCH_POSTGRES_URL", "GRIDLINE_UPDATE_SCREENSHOT"}
)


def unknown_variables(
    environ: Mapping[str, str], classes: list[type["ServiceSettings"]]
) -> list[str]:
    """GRIDLINE_ variables no service reads: most likely typos, which would otherwise fall
    back to the default without a word."""
    known = {f"GRIDLINE_{name.upper()}" for cls in classes for name in cls.model_fields}
    return sorted(
        name
        for name in environ
        if name.startswith("GRIDLINE_") and name not in known and name not in TOOL_VARIABLES
    )


def describe_invalid(exc: ValidationError) -> str:
    """One line per bad variable, named as the operator set it."""
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        lines.append(f"GRIDLINE_{field.upper()}: {err['msg']}")
    return "\n".join(lines)


class ServiceSettings(BaseSettings):
    """What every service needs: broker, database, HTTP port, identity and config files."""

    model_config = SettingsConfigDict(env_prefix="GRIDLINE_", extra="forbid")

    service_name: ClassVar[str] = "service"
    default_port: ClassVar[int] = 8100

    kafka_bootstrap: str = Field("127.0.0.1:19092", description="Kafka bootstrap servers")
    kafka_idempotence: bool = Field(
        False,
        description="Idempotent producer: on for Apache Kafka, off for the embedded Tansu broker",
    )
    kafka_partitions: int = Field(6, ge=1, description="Partitions per topic when created at start")
    kafka_session_timeout_ms: int = Field(
        10_000, ge=1000, description="Consumer session; a new member joins in about half of it"
    )
    kafka_replication: int = Field(1, ge=1, description="Replication factor of created topics")
    topic_namespace: str = Field("", pattern=r"^[a-z0-9_.-]*$", description="Prefix of every topic")
    database_url: str = Field("", description="SQLAlchemy async URL; default SQLite under ./var")
    var_dir: Path = Field(Path("var"), description="Where the embedded default keeps its files")
    config_dir: Path = Field(CONFIG_DIR, description="Directory of the YAML configuration files")
    host: str = "127.0.0.1"
    port: int = 0
    token_secret: str = Field(DEV_TOKEN_SECRET, min_length=16)
    consumer_group_prefix: str = "gridline"
    handler_attempts: int = Field(3, ge=1, description="Tries for a failing handler before DLQ")
    kafka_linger_ms: int = Field(2, ge=0, description="Producer linger: batches a burst")
    kafka_fetch_max_wait_ms: int = Field(
        20, ge=1, description="Fetch wait under traffic: what a hop costs at most"
    )
    kafka_idle_fetch_wait_ms: int = Field(
        2000,
        ge=1,
        description="Longest fetch wait when idle: after 2 s without messages the wait doubles "
        "at each empty poll up to this. The embedded broker holds a fetch to its end, so the "
        "first message after a long quiet may wait this long; Apache Kafka answers at once "
        "(compose sets 5000)",
    )
    consumer_max_batch: int = Field(100, ge=1, description="Messages per consumer transaction")
    fault_backoff_max_seconds: float = Field(
        5.0, gt=0, description="Longest wait between retries while a database or broker is away"
    )
    broker_check_seconds: float = Field(
        30.0, gt=0, description="How often the broker is checked for lost topics, besides on drop"
    )
    sqlite_busy_timeout_ms: int = Field(
        30_000, ge=0, description="How long SQLite waits for another process's write lock"
    )
    sqlite_inline: bool = Field(
        True,
        description="Run SQLite statements on the event loop's thread (no aiosqlite thread hop)",
    )
    outbox_poll_seconds: float = Field(
        30.0, gt=0, description="Longest the relay sleeps idle; a commit wakes it at once"
    )
    outbox_takeover_seconds: float = Field(
        1.0,
        gt=0,
        description="PostgreSQL: how often an idle relay looks for rows committed and left "
        "unsent (a replica sharing the database died before publishing them); their delay is "
        "at most this plus one relay round",
    )
    outbox_retention_hours: int = Field(168, ge=1, description="How long sent outbox rows stay")
    log_json: bool = True
    failpoints: str = Field(
        "", description="Test-only crash points, e.g. 'router.dispatch.after_commit'"
    )
    clock_start: AwareDatetime | None = Field(
        None,
        description="Demos and tests only: the service's clock starts at this instant and runs "
        "on from there; set it for every service to run a whole system on a chosen date. "
        "Refused outside the embedded default (with a production token secret)",
    )

    @model_validator(mode="after")
    def _clock_only_for_demos(self) -> "ServiceSettings":
        if self.clock_start is not None and self.token_secret != DEV_TOKEN_SECRET:
            raise ValueError(
                "clock_start is for demos and tests on the embedded default only; a deployment "
                "with its own token_secret runs on the real clock"
            )
        return self

    def resolved_port(self) -> int:
        return self.port or self.default_port

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.var_dir / (self.service_name + '.db')}"

    def topics(self) -> Topics:
        return Topics.named(self.topic_namespace)

    def group_id(self) -> str:
        return f"{self.consumer_group_prefix}.{self.service_name}"
