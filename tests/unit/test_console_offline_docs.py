"""Every service's /docs works with no internet: Swagger UI comes from the service itself."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridline.services import SERVICES


@pytest.mark.parametrize("name", ["intake", "router", "sla", "scoring"])
def test_docs_page_loads_swagger_from_the_service_not_a_cdn(name: str, tmp_path: Path) -> None:
    spec = SERVICES[name]
    settings = spec.settings_class()(var_dir=tmp_path)
    factory = import_module(f"{spec.module}.app").create_app
    client = TestClient(factory(settings))  # no lifespan: nothing connects
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/") for a in assets), assets
    assert "cdn" not in page.text
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
