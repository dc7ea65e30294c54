"""The console's settings, the files it reads (organisation, taxonomy) and its deps bundle."""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.config import ConfigError, load_yaml
from shared.organisation import Organisation
from shared.settings import DEV_TOKEN_SECRET, ServiceSettings

_PERSON_ID = re.compile(r"\b[A-Z]-\d{4}\b")
DEV_SESSION_SECRET = "gridline-console-embedded-dev-session-secret"


class ConsoleSettings(ServiceSettings):
    service_name: ClassVar[str] = "console"
    default_port: ClassVar[int] = 8100

    session_secret: str = Field(
        DEV_SESSION_SECRET, min_length=32, description="Signs the console's session cookie"
    )
    session_hours: float = Field(10, gt=0, le=24 * 7, description="A sign-in lasts this long")
    embedded: bool = Field(
        False, description="Set by `gridline up`: the built-in development secrets are allowed"
    )
    cookie_secure: bool | None = Field(
        None,
        description="The session cookie's Secure flag: sent over HTTPS only. Unset: on "
        "everywhere but the embedded `gridline up`, which serves plain HTTP on loopback",
    )
    max_body_bytes: int = Field(
        64 * 1024, ge=1024, description="Largest form post; a larger one is refused with 413"
    )
    demo_accounts: bool = Field(
        False, description="Create the demo organisation's accounts when none exist"
    )
    demo_password: str = Field("gridline-demo", min_length=8)
    lockout_attempts: int = Field(5, ge=1, description="Wrong passwords before the lock-out")
    lockout_minutes: int = Field(15, ge=1, description="How long a locked account stays locked")
    live_pages: bool = Field(
        True, description="Read the order and activity topics and push changes to open pages"
    )
    live_heartbeat_seconds: float = Field(
        15, gt=0, le=60, description="A live stream's keep-alive; the session is checked then"
    )
    live_stream_seconds: float = Field(
        600, gt=0, description="A live stream ends after this long; the browser reconnects"
    )
    live_fetch_wait_ms: int = Field(
        200, ge=10, le=1000, description="The live reader's fetch wait: how late a page hears"
    )
    poll_seconds: int = Field(
        5, ge=1, le=3600, description="Live lists refresh this often when the push is away"
    )
    intake_url: str = "http://127.0.0.1:8101"
    router_url: str = "http://127.0.0.1:8102"
    sla_url: str = "http://127.0.0.1:8103"
    scoring_url: str = "http://127.0.0.1:8104"
    notify_url: str = "http://127.0.0.1:8105"
    outreach_url: str = "http://127.0.0.1:8106"
    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    taxonomy_file: Path = Field(Path("taxonomy.yaml"), description="Relative to config_dir")

    @property
    def secure_cookie(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else not self.embedded

    def refuse_dev_secrets(self) -> None:
        """Outside `gridline up` the built-in secrets would let anyone forge a session or a
        token: refuse to start rather than run like that."""
        if self.embedded:
            return
        bad = []
        if self.session_secret == DEV_SESSION_SECRET:
            bad.append("GRIDLINE_SESSION_SECRET")
        if self.token_secret == DEV_TOKEN_SECRET:
            bad.append("GRIDLINE_TOKEN_SECRET")
        if bad:
            raise ConfigError(
                f"{', '.join(bad)}: still the built-in development secret; set your own "
                "(32+ random characters) outside the embedded `gridline up`"
            )


class Taxonomy(BaseModel):
    """Only what the console shows: each category's Chinese label (intake owns the rest)."""

    model_config = ConfigDict(extra="allow")
    categories: dict[str, str]


@dataclass(frozen=True)
class ConsoleDeps:
    org: Organisation
    categories: dict[str, str] = field(default_factory=dict)  # code -> 中文

    def department_name(self, code: str | None) -> str:
        if not code:
            return ""
        found = next((d for d in self.org.departments if d.code == code), None)
        return found.name if found else code

    def person_name(self, person_id: str | None) -> str:
        if not person_id:
            return ""
        person = self.org.person(person_id)
        return person.name if person else person_id

    def work_phone(self, person_id: str | None) -> str | None:
        """The number reserved for work (Art. 11) that the duty room and the order page call."""
        person = self.org.person(person_id) if person_id else None
        return person.work_phone if person else None

    def named(self, text: str) -> str:
        """A service's summary with department codes and person ids as people know them."""
        for department in self.org.departments:
            text = text.replace(department.code, department.name)
        return _PERSON_ID.sub(lambda m: self.person_name(m.group(0)), text)

    def category_label(self, code: str | None) -> str:
        return self.categories.get(code or "", code or "")


def load_deps(settings: ConsoleSettings) -> ConsoleDeps:
    org = load_yaml(settings.config_dir / settings.org_file, Organisation)
    taxonomy = load_yaml(settings.config_dir / settings.taxonomy_file, Taxonomy)
    return ConsoleDeps(org=org, categories=dict(taxonomy.categories))
