"""One clock setting for every service (demos and tests): GRIDLINE_CLOCK_START starts each
service's clock — the console's too — at the chosen instant, picked the one way
(``shared.service.service_clock``); a deployment with its own secret refuses it."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from gridline.services import SERVICES
from shared.clock import LOCAL_TZ
from shared.settings import describe_invalid

START = datetime(2027, 2, 8, 10, 0, tzinfo=LOCAL_TZ)  # a Monday morning, whatever today is


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_runs_on_the_date_the_environment_chose(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDLINE_CLOCK_START", START.isoformat())
    monkeypatch.setenv("GRIDLINE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GRIDLINE_EMBEDDED", "true")  # the console's development secrets
    now = SERVICES[service].create_app().state.clock.now()
    assert START <= now < START + timedelta(minutes=5)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_without_the_setting_runs_on_real_time(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRIDLINE_CLOCK_START", raising=False)
    monkeypatch.setenv("GRIDLINE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GRIDLINE_EMBEDDED", "true")
    now = SERVICES[service].create_app().state.clock.now()
    assert abs(now - datetime.now(LOCAL_TZ)) < timedelta(minutes=5)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_deployment_with_its_own_secret_refuses_the_clock_setting(service: str) -> None:
    with pytest.raises(ValidationError) as refused:
        SERVICES[service].settings_class()(
            clock_start=START.isoformat(), token_secret="a-real-deployment-secret-0123"
        )
    assert "clock_start is for demos and tests" in describe_invalid(refused.value)
