"""Alertmanager's config for docker-compose: amtool accepts it, every Gridline alert rule routes
to notify's webhook receiver, and that receiver is notify's own endpoint on its compose port."""

import os
import shutil
import subprocess

import pytest
import yaml

from services.notify.app import create_app
from services.notify.config import NotifySettings
from shared.paths import PROJECT_ROOT

ALERTMANAGER = PROJECT_ROOT / "deploy" / "alertmanager"
RULES = PROJECT_ROOT / "deploy" / "prometheus" / "rules"


def amtool() -> str:
    found = shutil.which("amtool")
    if found:
        return found
    reason = "amtool missing: apt-get install prometheus-alertmanager"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [amtool(), *args], cwd=ALERTMANAGER, capture_output=True, text=True, timeout=60
    )


def alert_rules() -> list[dict[str, object]]:
    found = []
    for path in sorted(RULES.glob("*.yml")):
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            found += [r for r in group["rules"] if "alert" in r]
    return found


def test_amtool_accepts_the_alertmanager_config() -> None:
    checked = run("check-config", "alertmanager.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout


def test_every_gridline_alert_rule_is_routed_to_notify() -> None:
    rules = alert_rules()
    assert len(rules) >= 4
    for rule in rules:
        labels = rule.get("labels") or {}
        assert isinstance(labels, dict)
        pairs = [f"alertname={rule['alert']}", *(f"{k}={v}" for k, v in labels.items())]
        routed = run("config", "routes", "test", "--config.file=alertmanager.yml", *pairs)
        assert routed.returncode == 0, routed.stdout + routed.stderr
        assert routed.stdout.strip() == "gridline-notify", (rule["alert"], routed.stdout)


def test_the_webhook_is_notifys_alert_receiver_on_its_compose_port() -> None:
    config = yaml.safe_load((ALERTMANAGER / "alertmanager.yml").read_text(encoding="utf-8"))
    (receiver,) = config["receivers"]
    (hook,) = receiver["webhook_configs"]
    assert hook["url"] == f"http://notify:{NotifySettings.default_port}/v1/alerts"
    assert hook["http_config"]["authorization"]["type"] == "Bearer"
    app = create_app(NotifySettings())
    assert "post" in app.openapi()["paths"]["/v1/alerts"]
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert compose["services"]["notify"]["environment"]["GRIDLINE_PORT"] == "8105"
    prometheus = yaml.safe_load(
        (PROJECT_ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text(encoding="utf-8")
    )
    (manager,) = prometheus["alerting"]["alertmanagers"]
    assert manager["static_configs"][0]["targets"] == ["alertmanager:9093"]
