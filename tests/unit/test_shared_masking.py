"""Phone numbers are masked wherever people read logs."""

import io
import json
import logging
import sys

import pytest

from shared.logging import configure_logging, get_logger
from shared.masking import has_unmasked_mobile, mask_phone


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13906351234", "139****1234"),
        ("来电 13906351234，请回电", "来电 139****1234，请回电"),
        ("0635-8212345", "0635-***2345"),
        ("orderNo LC12345-20261127-000123", "orderNo LC12345-20261127-000123"),
        ("account 0102030405", "account 0102030405"),
    ],
)
def test_mobiles_and_landlines_are_masked_but_order_numbers_are_not(text: str, masked: str) -> None:
    assert mask_phone(text) == masked
    assert not has_unmasked_mobile(mask_phone(text))


def test_structured_and_library_logs_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    configure_logging("test", json_logs=True)
    get_logger("t").info("caller_called", phone="13906351234", nested={"to": ["13806350301"]})
    logging.getLogger("uvicorn.error").warning("client 13906351234 said hello")
    lines = buffer.getvalue().splitlines()
    structured = json.loads(lines[0])
    assert structured["phone"] == "139****1234"
    assert structured["nested"] == {"to": ["138****0301"]}
    assert "139****1234" in lines[1]
    assert not has_unmasked_mobile(buffer.getvalue())
