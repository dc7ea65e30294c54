"""``gridline bench --replicas``: replicas are processes beside their service's, sharing its
database and consumer group, and the result says how the partitions and the work were shared."""

from pathlib import Path

import pytest

from gridline.bench import _shares, run
from gridline.bench_result import SERVICE_NAMES, BenchResult, is_service
from gridline.launcher import LaunchError, LaunchPlan, log_path, service_of


def test_a_replica_is_named_beside_its_service_and_logs_apart() -> None:
    plan = LaunchPlan(host="127.0.0.1", broker_port=1, ports={}, var_dir=Path("/var/gl"))
    assert [service_of(p) for p in ("router", "router#2", "sla#3")] == ["router", "router", "sla"]
    assert log_path(plan, "router#2") == Path("/var/gl/logs/router-2.log")
    assert is_service("sla#2") and is_service("intake") and not is_service("broker")


def test_replicas_need_postgresql() -> None:
    with pytest.raises(LaunchError, match="--replicas needs --postgres"):
        run(10, 1, say=print, progress=lambda _n: None, replicas=2)


def test_the_result_shows_each_replicas_partitions_and_share_of_the_work() -> None:
    before = {
        "router": {"consumed": 10.0, "partitions": 3.0},
        "router#2": {"consumed": 0.0, "partitions": 3.0},
        "intake": {"consumed": 50.0, "partitions": 6.0},
    }
    after = {
        "router": {"consumed": 310.0, "partitions": 3.0},
        "router#2": {"consumed": 300.0, "partitions": 3.0},
        "intake": {"consumed": 650.0, "partitions": 6.0},
    }
    shares = _shares(before, after, orders=100)
    assert shares == {"router": (3.0, 3.0), "router#2": (3.0, 3.0)}
    result = BenchResult("postgresql", 100, 4, replicas=2, shares=shares)
    result.cpu_ms = {"router": 2.0, "router#2": 2.0, "intake": 4.0, "broker": 1.0}
    table = result.markdown()
    assert "| figure (postgresql, 2 replicas) | value |" in table
    assert "router 3 / 3.0, router#2 3 / 3.0" in table
    assert "| total CPU ms per order, all services (+ broker) | 8.0 (+ 1.0) |" in table


def test_every_process_of_the_system_is_counted_and_has_its_own_row() -> None:
    assert {"notify", "outreach", "console"} <= {n for n in SERVICE_NAMES if is_service(n)}
    result = BenchResult("sqlite", 100, 4)
    result.cpu_ms = {"intake": 3.0, "notify": 2.5, "broker": 1.0}
    result.idle_by = {"intake": 0.002, "notify": 0.001, "broker": 0.004}
    result.rss = {"intake": 110.0, "notify": 95.0, "broker": 40.0}
    table = result.markdown()
    assert "| total CPU ms per order, all services (+ broker) | 5.5 (+ 1.0) |" in table
    assert "| notify | 2.50 | 0.0010 | 95 |" in table
    assert "| broker | 1.00 | 0.0040 | 40 |" in table
