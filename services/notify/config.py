"""Notify's settings (channel endpoints and credentials), its rules file, and its deps bundle.

A channel whose credentials are not set is not contacted: its messages go to the built-in local
receiver instead, which records them for the console's “消息” page (the embedded default).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import ClassVar, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from services.notify.domain.rules import ChannelName, Notice, Recipient, Rules, Urgency
from shared.config import load_checked_yaml, load_yaml
from shared.organisation import Organisation
from shared.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    service_name: ClassVar[str] = "notify"
    default_port: ClassVar[int] = 8105

    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    rules_file: Path = Field(Path("notify.yaml"), description="Relative to config_dir")
    wecom_base_url: str = Field("https://qyapi.weixin.qq.com", description="企业微信 API host")
    wecom_corp_id: str = Field("", description="企业ID (corpid); empty: the local receiver")
    wecom_corp_secret: str = Field("", description="The application's Secret (corpsecret)")
    wecom_agent_id: int = Field(0, ge=0, description="The application's AgentId")
    wecom_robot_url: str = Field(
        "", description="Group robot webhook URL (…/cgi-bin/webhook/send?key=…); empty: local"
    )
    sms_base_url: str = Field("https://dysmsapi.aliyuncs.com", description="SendSms endpoint")
    sms_access_key_id: str = Field("", description="AccessKeyId; empty: the local receiver")
    sms_access_key_secret: str = Field("", description="AccessKeySecret")
    sms_sign_name: str = Field("", description="The approved SMS signature (签名)")
    webhook_url: str = Field("", description="Generic webhook for anything else; empty: local")
    link_base_url: str = Field(
        "",
        description="Public base of the signed order links: the console's URL (default: notify's)",
    )
    link_ttl_hours: int = Field(72, ge=1)
    delivery_attempts: int = Field(4, ge=1, description="Tries before a message has failed")
    retry_base_seconds: float = Field(2.0, gt=0, description="First backoff; doubles each try")
    retry_max_seconds: float = Field(300.0, gt=0)
    delivery_lease_seconds: float = Field(
        30.0, gt=0, description="A send not recorded within this (a crash) is tried again"
    )
    delivery_poll_seconds: float = Field(0.5, gt=0)
    http_timeout_seconds: float = Field(5.0, gt=0)
    clock_start: AwareDatetime | None = Field(None, description="Demos and tests only")

    def resolved_link_base(self) -> str:
        return (self.link_base_url or f"http://{self.host}:{self.resolved_port()}").rstrip("/")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSpec(_Model):
    """Who hears of one kind of notice, and by which channels at each urgency."""

    notice: Notice
    who: tuple[Recipient, ...] = Field(min_length=1)
    channels: dict[Urgency, tuple[ChannelName, ...]]

    @model_validator(mode="after")
    def _normal_is_there(self) -> Self:
        if "normal" not in self.channels or not self.channels["normal"]:
            raise ValueError("channels needs at least one channel under 'normal'")
        return self


class NightSpec(_Model):
    """Beijing hours when a phone ringing wakes someone: SMS only for what cannot wait."""

    start: time = time(22, 0)
    end: time = time(7, 0)
    sms_urgencies: tuple[Urgency, ...] = ("urgent", "critical")
    sms_notices: tuple[Notice, ...] = ("major",)


class CardsSpec(_Model):
    """Clock cards about one order for one person go out as one message listing the clocks."""

    grouped: tuple[Notice, ...] = ("yellow_card", "red_card")
    hold_seconds: float = Field(
        5.0,
        ge=0,
        description="A grouped card waits this long before it is sent, so the clocks of an "
        "order that fire together join it",
    )


class NotifyRules(_Model):
    """``config/notify.yaml``: checked here, handed to the domain as its ``Rules``."""

    rules: tuple[RuleSpec, ...] = Field(min_length=1)
    ops: tuple[str, ...] = Field((), description="People told of ops notices and alerts")
    sms_templates: dict[Notice, str] = Field(
        default_factory=dict, description="SMS template code (TemplateCode) per notice"
    )
    night: NightSpec = NightSpec()
    cards: CardsSpec = CardsSpec()

    @model_validator(mode="after")
    def _one_rule_per_notice(self) -> Self:
        twice = [n for n, c in Counter(r.notice for r in self.rules).items() if c > 1]
        if twice:
            raise ValueError(f"notice {', '.join(twice)} has more than one rule")
        return self

    def problems_with(self, org: Organisation) -> list[tuple[str, str]]:
        problems = [
            (f"ops.{i}", f"{p} is not among the organisation's people")
            for i, p in enumerate(self.ops)
            if org.person(p) is None
        ]
        for i, rule in enumerate(self.rules):
            uses_sms = "sms" in {c for cs in rule.channels.values() for c in cs}
            if uses_sms and rule.notice not in self.sms_templates:
                why = f"sms needs a template under sms_templates.{rule.notice}"
                problems.append((f"rules.{i}.channels", why))
        return problems

    def domain(self) -> Rules:
        """The checked file as the domain's plain values (pydantic builds the dataclasses)."""
        return _AS_RULES.validate_python(self.model_dump())


_AS_RULES: TypeAdapter[Rules] = TypeAdapter(Rules)


@dataclass(frozen=True)
class NotifyDeps:
    org: Organisation
    rules: Rules
    settings: NotifySettings


def load_deps(settings: NotifySettings) -> NotifyDeps:
    """The organisation and the rules; a bad file stops notify here, naming file and field."""
    org = load_yaml(settings.config_dir / settings.org_file, Organisation)
    path = settings.config_dir / settings.rules_file
    rules = load_checked_yaml(path, NotifyRules, lambda loaded: loaded.problems_with(org))
    return NotifyDeps(org=org, rules=rules.domain(), settings=settings)
