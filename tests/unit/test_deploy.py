"""docker-compose.yml cannot be run here (no Docker engine), so its wiring is checked as data:
every setting it passes exists, every file it mounts is in the repository."""

import re
from pathlib import Path
from typing import Any

import yaml

from shared.paths import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_compose_runs_kafka_postgres_the_four_services_prometheus_and_grafana() -> None:
    services = _compose()["services"]
    assert {
        "kafka",
        "postgres",
        "intake",
        "router",
        "sla",
        "scoring",
        "prometheus",
        "grafana",
    } <= set(services)
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    from gridline.services import SERVICES

    for name in SERVICES:
        assert services[name]["command"] == ["serve", name]
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"


def test_every_gridline_setting_in_compose_is_one_its_service_knows() -> None:
    from gridline.services import SERVICES

    compose = _compose()["services"]
    for name, spec in SERVICES.items():
        known = {f"GRIDLINE_{field.upper()}" for field in spec.settings_class().model_fields}
        env = compose[name]["environment"]
        passed = {key for key in env if key.startswith("GRIDLINE_")}
        assert passed <= known, (name, passed - known)
        url = env["GRIDLINE_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://") and url.endswith(f"/{name}")


def test_every_mounted_file_and_copied_path_exists() -> None:
    for service in _compose()["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (PROJECT_ROOT / source).exists(), source
    dockerfile = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    for source in re.findall(r"^COPY (\S+)", dockerfile, flags=re.M):
        assert (PROJECT_ROOT / source).exists(), source


def test_each_service_database_is_created_at_first_start() -> None:
    init = (PROJECT_ROOT / "deploy" / "postgres" / "init.sql").read_text(encoding="utf-8")
    created = set(re.findall(r"CREATE DATABASE (\w+)", init))
    used = {
        url.rsplit("/", 1)[1]
        for service in _compose()["services"].values()
        if (url := service.get("environment", {}).get("GRIDLINE_DATABASE_URL"))
    }
    assert {"intake", "router", "sla", "scoring"} <= used
    assert created == used


def test_nothing_reads_the_shared_folder_beside_the_repository() -> None:
    beside = "../" + "shared"  # spelled apart so this file does not find itself
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("shared", "services", "gridline", "tests")
        for path in Path(PROJECT_ROOT / folder).rglob("*.py")
        if beside in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
