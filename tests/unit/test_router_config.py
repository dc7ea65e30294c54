"""A bad organisation or router file stops the router, naming the file, the field and why."""

from pathlib import Path

import pytest
import yaml

from services.router.config import RouterSettings, load_deps
from shared.config import ConfigError
from shared.paths import CONFIG_DIR


def config_dir(
    tmp_path: Path, org_changes: dict[str, object], router_changes: dict[str, object]
) -> Path:
    for name, changes in (("org.yaml", org_changes), ("router.yaml", router_changes)):
        data = yaml.safe_load((CONFIG_DIR / name).read_text(encoding="utf-8"))
        data.update(changes)
        (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "calendar_overrides.yaml").write_text(
        (CONFIG_DIR / "calendar_overrides.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return tmp_path


BAD_FILES = [
    (
        "leave for someone unknown",
        {"leave": [{"person": "W-9999", "from": "2026-12-01", "to": "2026-12-02"}]},
        {},
        ["org.yaml", "W-9999 is not among people"],
    ),
    (
        "leave ending before it starts",
        {"leave": [{"person": "W-0301", "from": "2026-12-03", "to": "2026-12-01"}]},
        {},
        ["org.yaml", "field 'leave.0'", "leave ends before it starts"],
    ),
    (
        "an override without a timezone",
        {
            "overrides": [
                {
                    "person": "W-0301",
                    "from": "2026-12-05T08:00:00",
                    "to": "2026-12-05T12:00:00",
                    "available": True,
                }
            ]
        },
        {},
        ["org.yaml", "field 'overrides.0'", "timezone"],
    ),
    (
        "a duty swap to an unknown team",
        {"duty_swaps": [{"unit": "XX-T9", "date": "2026-12-05", "person": "P-0210"}]},
        {},
        ["org.yaml", "unknown team or department XX-T9"],
    ),
    (
        "ack limits without a catch-all",
        {},
        {"ack_limits": [{"priority": "urgent", "minutes": 10}]},
        ["router.yaml", "field 'ack_limits'", "catch-all"],
    ),
    (
        "a negative ack limit",
        {},
        {"ack_limits": [{"minutes": 0}]},
        ["router.yaml", "field 'ack_limits.0.minutes'"],
    ),
    (
        "a triage department the organisation lacks",
        {},
        {"triage_department": "CALL_CENTRE"},
        ["router.yaml", "field 'triage_department'", "unknown department CALL_CENTRE"],
    ),
]


@pytest.mark.parametrize(
    ("org_changes", "router_changes", "said"),
    [b[1:] for b in BAD_FILES],
    ids=[b[0] for b in BAD_FILES],
)
def test_a_bad_file_stops_the_router_naming_file_field_and_reason(
    tmp_path: Path,
    org_changes: dict[str, object],
    router_changes: dict[str, object],
    said: list[str],
) -> None:
    directory = config_dir(tmp_path, org_changes, router_changes)
    with pytest.raises(ConfigError) as error:
        load_deps(RouterSettings(config_dir=directory))
    for words in said:
        assert words in str(error.value)


def test_the_shipped_files_load() -> None:
    deps = load_deps(RouterSettings())
    assert deps.policy.triage_department == "DISPATCH"
