"""SLA policies as data: each limit on both clocks, across Spring Festival 2026 (holidays
02-15..02-23) and its make-up working day (Saturday 02-14)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from services.sla import domain
from services.sla.config import Policies, PolicyFile, RuleSpec
from services.sla.domain.limits import LIMIT_NAMES, Limit
from shared.config import ConfigError
from shared.paths import CONFIG_DIR
from shared.workdays import WorkCalendar

BJ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
WARN = domain.Warning(share=0.8, working_days_before=1)


def bj(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BJ)


def one_limit_policy(name: str, text: str) -> Policies:
    return Policies(PolicyFile(rules=(RuleSpec.model_validate({"name": "all", name: text}),)))


# (limit text, start, due): the make-up Saturday counts; the festival does not; 24 h ignores both.
ACROSS_THE_FESTIVAL = [
    ("1wd", bj("2026-02-13"), bj("2026-02-14")),  # Friday → the make-up Saturday
    ("2wd", bj("2026-02-13"), bj("2026-02-24")),  # … then over nine days of holiday
    ("1wd", bj("2026-02-15"), bj("2026-02-25", "00:00")),  # begun on a holiday: all of 02-24
    ("24h", bj("2026-02-14"), bj("2026-02-15")),  # 24-hour clock runs through the holiday
    ("30m", bj("2026-02-16", "23:50"), bj("2026-02-17", "00:20")),
    ("2d", bj("2026-02-13"), bj("2026-02-15")),
]


@pytest.mark.parametrize("limit_name", LIMIT_NAMES)
@pytest.mark.parametrize(("text", "start", "due"), ACROSS_THE_FESTIVAL)
def test_each_limit_runs_on_its_clock_across_a_holiday_and_a_make_up_day(
    limit_name: str, text: str, start: datetime, due: datetime
) -> None:
    limits = one_limit_policy(limit_name, text).limits_for("96568", "LEAK", "normal")
    made = domain.opening_deadlines(limits, start, None, True, CAL, WARN)
    assert [(d.kind, d.due) for d in made] == [(limit_name, due)]
    assert made[0].clock == ("working_days" if text.endswith("wd") else "24h")


def test_the_earlier_of_policy_and_platform_deadline_governs_and_both_are_kept() -> None:
    limits = one_limit_policy("resolve", "5wd").limits_for("12345", "LEAK", "normal")
    start = bj("2026-02-12")
    platform_sooner = bj("2026-02-13", "18:00")
    (sooner,) = domain.opening_deadlines(limits, start, platform_sooner, False, CAL, WARN)
    # 5 working days from Thursday 02-12: 13, 14 (make-up Saturday), 24, 25, 26.
    assert (sooner.due, sooner.policy_due, sooner.platform_due) == (
        platform_sooner,
        bj("2026-02-26"),
        platform_sooner,
    )
    assert sooner.clock == "24h"

    platform_later = bj("2026-03-31")
    (policy,) = domain.opening_deadlines(limits, start, platform_later, False, CAL, WARN)
    assert policy.due == policy.policy_due == CAL.add_working_days(start, 5)
    assert policy.platform_due == platform_later and policy.clock == "working_days"


def test_the_platform_deadline_does_not_cap_sign_for_or_arrival() -> None:
    limits = one_limit_policy("acknowledge", "1wd").limits_for("12345", "LEAK", "normal")
    made = domain.opening_deadlines(
        limits, bj("2026-02-13"), bj("2026-02-13", "11:00"), True, CAL, WARN
    )
    ack = next(d for d in made if d.kind == "acknowledge")
    assert ack.due == bj("2026-02-14") and ack.platform_due is None


def test_a_platform_deadline_alone_still_makes_a_reply_clock() -> None:
    spec = Policies(PolicyFile(rules=(RuleSpec(name="none"),)))
    limits = spec.limits_for("12345", "CONSULTATION", "normal")
    made = domain.opening_deadlines(limits, bj("2026-02-13"), bj("2026-02-14"), True, CAL, WARN)
    assert [(d.kind, d.due, d.policy_due) for d in made] == [
        ("resolve", bj("2026-02-14"), None),
        ("reply", bj("2026-02-14"), None),
    ]


def test_no_reply_clock_when_the_caller_needs_no_reply() -> None:
    limits = one_limit_policy("reply", "5wd").limits_for("96568", "LEAK", "normal")
    assert domain.opening_deadlines(limits, bj("2026-02-13"), None, False, CAL, WARN) == []


DEFAULTS = Policies.from_file(CONFIG_DIR / "sla_policies.yaml")


@pytest.mark.parametrize(
    ("source", "category", "priority", "expected"),
    [
        # Tianjin 12345: water orders are signed for in 30 min; risk to life: 15 min.
        (
            "12345",
            "LEAK",
            "urgent",
            {"acknowledge": "30m", "arrive": "30m", "resolve": "24h", "reply": "5wd"},
        ),
        (
            "12345",
            "LEAK",
            "critical",
            {"acknowledge": "15m", "arrive": "30m", "resolve": "24h", "reply": "5wd"},
        ),
        # An ordinary 12345 order: 1 working day to sign, 5 to handle and reply.
        (
            "12345",
            "CONSULTATION",
            "normal",
            {"acknowledge": "1wd", "arrive": None, "resolve": "5wd", "reply": "5wd"},
        ),
        (
            "96568",
            "WATER_QUALITY",
            "normal",
            {"acknowledge": "30m", "arrive": "1h", "resolve": "5wd", "reply": "5wd"},
        ),
        (
            "96568",
            "LOW_PRESSURE",
            "normal",
            {"acknowledge": "30m", "arrive": "24h", "resolve": "5wd", "reply": "5wd"},
        ),
        (
            "96568",
            "METER_RECHECK",
            "normal",
            {"acknowledge": "30m", "arrive": None, "resolve": "2d", "reply": "5wd"},
        ),
        (
            "96568",
            "RESTORATION",
            "urgent",
            {"acknowledge": "30m", "arrive": None, "resolve": "24h", "reply": "5wd"},
        ),
        (
            "grid_report",
            "COVER_DAMAGED",
            "normal",
            {"acknowledge": "1wd", "arrive": None, "resolve": "5wd", "reply": None},
        ),
    ],
)
def test_the_default_policy_file_carries_the_domain_table(
    source: str, category: str, priority: str, expected: dict[str, str | None]
) -> None:
    limits = DEFAULTS.limits_for(source, category, priority)
    got = {name: limits.of(name) for name in LIMIT_NAMES}
    assert got == {k: (Limit.parse(v) if v else None) for k, v in expected.items()}


def test_a_bad_policy_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "sla_policies.yaml"
    bad.write_text("rules:\n  - name: 默认\n    resolve: 5 days\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Policies.from_file(bad)
    assert "sla_policies.yaml" in str(err.value) and "rules.0.resolve" in str(err.value)


def test_a_policy_file_without_a_catch_all_rule_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "sla_policies.yaml"
    bad.write_text("rules:\n  - {sources: ['12345'], resolve: 5wd}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="every order"):
        Policies.from_file(bad)


def test_a_number_without_a_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="say the unit"):
        RuleSpec.model_validate({"resolve": 30})


def test_limits_read_in_chinese() -> None:
    labels = [Limit.parse(t).label() for t in ("30m", "24h", "2d", "5wd")]
    assert labels == ["30分钟", "24小时", "2天", "5个工作日"]


def test_the_sla_service_reads_the_organisation_file_its_settings_name(tmp_path: Path) -> None:
    import shutil

    from services.sla.app import create_app
    from services.sla.config import SlaSettings

    for name in ("sla_policies.yaml", "calendar_overrides.yaml"):
        shutil.copy(CONFIG_DIR / name, tmp_path / name)
    settings = SlaSettings(config_dir=tmp_path, org_file=Path("elsewhere.yaml"))
    with pytest.raises(ConfigError, match=r"elsewhere\.yaml"):
        create_app(settings)
