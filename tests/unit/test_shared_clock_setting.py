"""One clock setting for all four services (demos and tests): GRIDLINE_CLOCK_START starts every
service's clock at the chosen instant; a deployment with its own secret refuses it."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.app import create_app as intake_app
from services.intake.config import IntakeSettings
from services.router.app import create_app as router_app
from services.router.config import RouterSettings
from services.scoring.app import create_app as scoring_app
from services.scoring.config import ScoringSettings
from services.sla.app import create_app as sla_app
from services.sla.config import SlaSettings
from shared.clock import LOCAL_TZ
from shared.settings import describe_invalid

START = datetime(2027, 2, 8, 10, 0, tzinfo=LOCAL_TZ)  # a Monday morning, whatever today is
SERVICES: list[tuple[Any, Any]] = [
    (IntakeSettings, intake_app),
    (RouterSettings, router_app),
    (SlaSettings, sla_app),
    (ScoringSettings, scoring_app),
]


@pytest.mark.parametrize(("settings_class", "create_app"), SERVICES)
def test_each_service_runs_on_the_chosen_date(
    settings_class: Any, create_app: Any, tmp_path: Path
) -> None:
    settings = settings_class(var_dir=tmp_path, clock_start=START.isoformat())
    now = create_app(settings).state.runtime.clock.now()
    assert START <= now < START + timedelta(minutes=5)


@pytest.mark.parametrize(("settings_class", "create_app"), SERVICES)
def test_a_deployment_with_its_own_secret_refuses_the_clock_setting(
    settings_class: Any, create_app: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        settings_class(clock_start=START.isoformat(), token_secret="a-real-deployment-secret-0123")
    assert "clock_start is for demos and tests" in describe_invalid(refused.value)
