"""The Prometheus config and SLA alert rules: promtool's own unit tests, and every metric the
rules and the Grafana dashboard use is one the services export."""

import json
import os
import re
import shutil
import subprocess

import pytest
import yaml
from prometheus_client import REGISTRY, generate_latest

import services.intake.metrics  # registers the dashboard's call and callback counts
import services.outreach.metrics  # registers the dashboard's register-gap count
import services.router.metrics  # registers the dashboard's coverage count
import services.sla.metrics
import shared.metrics  # noqa: F401 - registers the shared metrics
from shared.paths import PROJECT_ROOT

PROMETHEUS = PROJECT_ROOT / "deploy" / "prometheus"
GRAFANA = PROJECT_ROOT / "deploy" / "grafana"


def promtool() -> str:
    found = shutil.which("promtool")
    if found:
        return found
    reason = "promtool missing: apt-get install prometheus"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=120
    )


def test_the_prometheus_config_and_its_rules_are_valid() -> None:
    checked = run("check", "config", "prometheus.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("tests", ["tests/sla_test.yml", "tests/coverage_test.yml"])
def test_the_alert_rules_pass_their_promtool_unit_tests(tests: str) -> None:
    tested = run("test", "rules", tests)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_the_services_are_scraped_on_their_compose_ports() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "gridline"]
    targets = {t for static in job["static_configs"] for t in static["targets"]}
    assert targets == {
        "intake:8101",
        "router:8102",
        "sla:8103",
        "scoring:8104",
        "notify:8105",
        "outreach:8106",
    }


def _exported() -> set[str]:
    text = generate_latest(REGISTRY).decode()
    names = set(re.findall(r"^# TYPE (\S+) ", text, flags=re.M))
    # Counters and histograms are queried by their sample names.
    return names | {n + s for n in names for s in ("_total", "_bucket", "_sum", "_count")}


def _used(text: str) -> set[str]:
    return set(re.findall(r"\b(gridline_[a-z_]+)\b", text))


def test_every_metric_the_rules_and_the_dashboard_query_is_exported() -> None:
    rules = " ".join(
        path.read_text(encoding="utf-8") for path in (PROMETHEUS / "rules").glob("*.yml")
    )
    dashboard = json.loads((GRAFANA / "dashboards" / "sla.json").read_text(encoding="utf-8"))
    queries = " ".join(
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    )
    used = _used(rules) | _used(queries)
    assert used, "no gridline metric found in the rules or the dashboard"
    assert used <= _exported(), used - _exported()


def test_no_metric_label_can_hold_an_order_id_or_a_person() -> None:
    from prometheus_client.metrics import MetricWrapperBase

    sla_metrics = [
        m for m in vars(services.sla.metrics).values() if isinstance(m, MetricWrapperBase)
    ]
    assert len(sla_metrics) >= 8
    labels = {label for m in sla_metrics for label in m._labelnames}
    # ``rate`` names one of the month's rates (on_time, satisfied, solved, redo): a fixed few.
    assert labels <= {"kind", "event", "department", "state", "on_time", "rate"}
