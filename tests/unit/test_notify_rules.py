"""Notify's rules file and its pure decisions: who hears of what, on which channel, once."""

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from services.notify.config import NotifyRules, NotifySettings, load_deps
from services.notify.domain import texts
from services.notify.domain.facts import Notification, OrderFacts
from services.notify.domain.outcome import Outcome, RetryPolicy, after
from services.notify.domain.plan import plan
from shared.clock import LOCAL_TZ
from shared.config import ConfigError, load_yaml
from shared.organisation import Organisation
from shared.paths import CONFIG_DIR

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
DEPS = load_deps(NotifySettings())
FACTS = OrderFacts(
    order_id="GL-1",
    address="水城花园5号楼",
    category_label="漏水",
    department="USER_MAINTENANCE",
    team="UM-T1",
    assignee_id="W-0301",
    assignment_id=1,
    ack_due=NOW + timedelta(minutes=30),
)


DUTY = {"UM-T1": "P-0211"}
"""Who the router named on the team's duty (notify reads no rotation of its own)."""


def planned(n: Notification, org: Organisation = DEPS.org) -> list[tuple[str, str]]:
    found, unreachable = plan(n, DEPS.rules, org, DUTY.get, NOW)
    assert unreachable == []
    return [(p.person_id, p.channel) for p in found]


def dispatched(order_id: str = "GL-1", urgency: str = "normal", **facts: object) -> Notification:
    f = replace(FACTS, order_id=order_id, **facts)  # type: ignore[arg-type]
    return Notification("dispatched", f"{order_id}:1", f, urgency, assignment_id=1)


def test_the_shipped_rules_load_against_the_shipped_organisation() -> None:
    assert DEPS.rules.rule("dispatched") is not None
    assert set(DEPS.rules.ops) <= {p.id for p in DEPS.org.people}


def write(tmp_path: Path, rules: dict[str, object]) -> NotifySettings:
    (tmp_path / "notify.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), "utf-8")
    (tmp_path / "org.yaml").write_text((CONFIG_DIR / "org.yaml").read_text("utf-8"), "utf-8")
    return NotifySettings(config_dir=tmp_path)


RULE = {"notice": "dispatched", "who": ["assignee"], "channels": {"normal": ["wecom_app"]}}


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"rules": [RULE], "ops": ["P-9999"]}, "field 'ops.0': P-9999 is not among"),
        (
            {"rules": [{**RULE, "channels": {"normal": ["sms"]}}]},
            "field 'rules.0.channels': sms needs a template",
        ),
        ({"rules": [{**RULE, "channels": {"normal": ["pager"]}}]}, "field 'rules.0.channels"),
        ({"rules": [RULE, RULE]}, "dispatched has more than one rule"),
        ({"rules": [{**RULE, "who": ["mayor"]}]}, "field 'rules.0.who.0'"),
        ({"rules": [{**RULE, "channels": {"urgent": ["wecom_app"]}}]}, "under 'normal'"),
    ],
)
def test_a_bad_rules_file_stops_notify_naming_the_file_and_the_field(
    tmp_path: Path, rules: dict[str, object], expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_deps(write(tmp_path, rules))
    assert str(tmp_path / "notify.yaml") in str(caught.value)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value"), [("wecom_userid", "张 三"), ("work_phone", "0635-8210100")]
)
def test_a_bad_wecom_id_or_work_phone_in_the_organisation_names_the_person(
    tmp_path: Path, field: str, value: str
) -> None:
    data = yaml.safe_load((CONFIG_DIR / "org.yaml").read_text("utf-8"))
    data["people"][0][field] = value
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_yaml(tmp_path / "org.yaml", Organisation)
    assert f"field 'people.0.{field}'" in str(caught.value)


def test_a_dispatch_goes_to_the_assignee_by_wecom_and_an_urgent_one_by_sms_too() -> None:
    assert planned(dispatched()) == [("W-0301", "wecom_app")]
    assert planned(dispatched(urgency="urgent")) == [("W-0301", "wecom_app"), ("W-0301", "sms")]


def test_a_red_card_also_tells_the_person_the_router_has_on_the_teams_duty() -> None:
    n = Notification("red_card", "ev-1", FACTS, deadline=NOW)
    assert planned(n) == [("W-0301", "wecom_app"), ("P-0211", "wecom_app")]


def test_a_major_event_tells_the_heads_it_names_and_the_departments_head_at_once() -> None:
    n = Notification("major", "ev-2", FACTS, "critical", "爆管", ("P-0200", "P-0400"))
    assert planned(n) == [
        ("P-0200", "wecom_app"),
        ("P-0200", "sms"),
        ("P-0400", "wecom_app"),
        ("P-0400", "sms"),
    ]


def test_orders_of_one_incident_plan_the_same_key_for_each_person() -> None:
    def keys(order_id: str) -> set[str]:
        n = dispatched(order_id, incident_id="INC-1", primary_order_id="GL-1")
        found, _ = plan(n, DEPS.rules, DEPS.org, lambda unit: None, NOW)
        return {p.key for p in found}

    assert keys("GL-2") == keys("GL-3") == {"incident:INC-1:dispatched:W-0301:wecom_app"}
    assert keys("GL-2") != {
        p.key for p in plan(dispatched("GL-2"), DEPS.rules, DEPS.org, lambda unit: None, NOW)[0]
    }


def test_a_person_no_channel_can_reach_is_unreachable_at_once() -> None:
    org = DEPS.org.model_copy(
        update={
            "people": tuple(
                p.model_copy(update={"wecom_userid": None}) if p.id == "W-0301" else p
                for p in DEPS.org.people
            )
        }
    )
    found, unreachable = plan(dispatched(), DEPS.rules, org, lambda unit: None, NOW)
    assert found == []
    assert [(u.person_id, u.reason) for u in unreachable] == [("W-0301", "未登记企业微信账号")]


def test_an_alert_reaches_the_ops_group_once_whatever_the_number_of_ops_people() -> None:
    n = Notification("alert", "fp:1", None, "normal", "GridlineServiceDown")
    found, _ = plan(n, DEPS.rules, DEPS.org, lambda unit: None, NOW)
    assert [p.channel for p in found] == ["wecom_robot"]


def test_retries_back_off_and_stop_at_a_permanent_error_or_the_last_attempt() -> None:
    policy = RetryPolicy(attempts=4, base_seconds=2, max_seconds=5)
    busy = Outcome.transient("HTTP 500")
    assert after(busy, 1, policy, NOW).at == NOW + timedelta(seconds=2)
    assert after(busy, 2, policy, NOW).at == NOW + timedelta(seconds=4)
    assert after(busy, 3, policy, NOW).at == NOW + timedelta(seconds=5)
    assert after(busy, 4, policy, NOW).state == "failed"
    assert after(Outcome.permanent("60111"), 1, policy, NOW).state == "failed"
    assert after(Outcome.sent(), 1, policy, NOW).state == "sent"


def test_message_texts_are_chinese_with_beijing_times() -> None:
    body = texts.body(dispatched())
    assert "地址：水城花园5号楼" in body
    assert "请于 12月02日 10:30 前签收" in body
    assert texts.sms_params(dispatched(), "http://x/l/t")["deadline"] == "12月02日 10:30"


def test_the_rules_model_refuses_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        NotifyRules.model_validate({"rules": [RULE], "pagers": []})


def test_no_notify_metric_label_can_hold_a_person_or_an_order() -> None:
    from prometheus_client.metrics import MetricWrapperBase

    import services.notify.metrics as notify_metrics

    series = [m for m in vars(notify_metrics).values() if isinstance(m, MetricWrapperBase)]
    assert len(series) == 4
    labels = {label for m in series for label in m._labelnames}
    assert labels <= {"channel", "outcome", "notice", "status"}
