"""The delivery alerts (parked outbox rows, stalled consumers): promtool's unit tests, and the
metrics they query are ones the services export."""

import re
import subprocess

from prometheus_client import REGISTRY, generate_latest

import shared.metrics  # noqa: F401 - registers the shared metrics
from shared.paths import PROJECT_ROOT
from tests.unit.test_prometheus_rules import promtool

PROMETHEUS = PROJECT_ROOT / "deploy" / "prometheus"


def test_the_delivery_alerts_pass_their_promtool_unit_tests() -> None:
    tested = subprocess.run(
        [promtool(), "test", "rules", "tests/delivery_test.yml"],
        cwd=PROMETHEUS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_every_metric_the_delivery_alerts_query_is_exported() -> None:
    rules = (PROMETHEUS / "rules" / "delivery.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\b(gridline_[a-z_]+)\b", rules))
    exported = set(re.findall(r"^# TYPE (\S+) ", generate_latest(REGISTRY).decode(), flags=re.M))
    assert {"gridline_outbox_parked", "gridline_consumer_stalled_partitions"} <= used
    assert used <= exported, used - exported
