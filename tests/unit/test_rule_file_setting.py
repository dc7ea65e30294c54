"""One name for a service's rule file: ``rules_file`` (``GRIDLINE_RULES_FILE``) everywhere."""

from pathlib import Path

import pytest

from services.intake.config import IntakeSettings
from services.notify.config import NotifySettings
from services.outreach.config import OutreachSettings
from services.router.config import RouterSettings
from services.scoring.config import ScoringSettings
from services.sla.config import SlaSettings
from shared.settings import ServiceSettings

WITH_RULES = [
    IntakeSettings,
    RouterSettings,
    SlaSettings,
    ScoringSettings,
    NotifySettings,
    OutreachSettings,
]


@pytest.mark.parametrize("settings", WITH_RULES, ids=lambda s: s.service_name)
def test_every_service_names_its_rule_file_rules_file(settings: type[ServiceSettings]) -> None:
    files = {name for name in settings.model_fields if name.endswith("_file")}
    assert "rules_file" in files
    assert not files & {"policy_file", "policies_file", "templates_file"}


def test_the_environment_sets_it_by_the_one_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDLINE_RULES_FILE", "other.yaml")
    assert RouterSettings().rules_file == Path("other.yaml")
    assert SlaSettings().rules_file == Path("other.yaml")
