"""Configuration is validated data: a bad file names the file, the field and the reason."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.auth import AuthError, issue_token, read_token
from shared.config import ConfigError, load_yaml
from shared.organisation import Organisation, community_key
from shared.paths import CONFIG_DIR
from shared.settings import ServiceSettings


def test_the_demo_organisation_loads() -> None:
    org = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
    assert org.find_grid("USER_MAINTENANCE", "水城花园小区") == org.grid("UM-DC-03")
    assert org.find_grid("METER_READING", None, "0102030405") == org.grid("MR-DC-01")


def test_a_grid_naming_an_unknown_person_stops_with_file_field_and_reason(tmp_path: Path) -> None:
    text = (CONFIG_DIR / "org.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "org.yaml"
    bad.write_text(text.replace("a_post: W-0301", "a_post: W-9999"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_yaml(bad, Organisation)
    message = str(caught.value)
    assert str(bad) in message
    assert "grid UM-DC-03: post W-9999 is not among people" in message


def test_a_wrongly_typed_field_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "org.yaml"
    text = (CONFIG_DIR / "org.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace('start: "08:00"', 'start: "breakfast"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"field 'shifts\.day\.start'"):
        load_yaml(bad, Organisation)


def test_broken_yaml_is_reported_as_such(tmp_path: Path) -> None:
    bad = tmp_path / "org.yaml"
    bad.write_text("departments: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_yaml(bad, Organisation)


@pytest.mark.parametrize(
    ("a", "b"), [("水城花园", "水城花园小区"), ("古楼社区", "古楼"), ("柳园小区", "柳园")]
)
def test_community_names_match_with_or_without_their_suffix(a: str, b: str) -> None:
    assert community_key(a) == community_key(b)


def test_settings_refuse_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="extra"):
        ServiceSettings(kafka_bootstap="typo:9092")  # type: ignore[call-arg]


def test_a_token_carries_its_role_and_a_forged_one_is_refused() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    token = issue_token("s" * 32, "department:USER_MAINTENANCE", "op-1", now, timedelta(hours=1))
    who = read_token("s" * 32, token)
    assert (who.kind, who.department) == ("department", "USER_MAINTENANCE")
    with pytest.raises(AuthError):
        read_token("another-secret-that-is-32-bytes!!", token)
    with pytest.raises(AuthError, match="unknown role"):
        issue_token("s" * 32, "mayor", "x", now, timedelta(hours=1))


def test_a_misspelt_variable_is_named_and_tool_variables_are_not() -> None:
    from gridline.services import SERVICES
    from shared.settings import unknown_variables

    environ = {
        "GRIDLINE_KAFKA_BOOTSTAP": "typo:9092",
        "GRIDLINE_KAFKA_BOOTSTRAP": "kafka:9092",
        "GRIDLINE_REPLY_12345_URL": "http://platform/reply",  # intake's own setting
        "GRIDLINE_TEST_DATABASE_URL": "postgresql+asyncpg://…",
        "PATH": "/usr/bin",
    }
    classes = [spec.settings_class() for spec in SERVICES.values()]
    assert unknown_variables(environ, classes) == ["GRIDLINE_KAFKA_BOOTSTAP"]


def test_a_bad_value_is_reported_as_the_variable_the_operator_set() -> None:
    from shared.settings import describe_invalid

    with pytest.raises(ValidationError) as caught:
        ServiceSettings(port="eighty")
    assert describe_invalid(caught.value).startswith(
        "GRIDLINE_PORT: Input should be a valid integer"
    )
