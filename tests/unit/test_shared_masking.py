"""Phone numbers are masked wherever people read logs."""

import io
import json
import logging
import sys

import pytest

from shared.logging import configure_logging, get_logger
from shared.masking import has_unmasked_mobile, mask_bytes, mask_json, mask_phone, unmasked_phones


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13906351234", "139****1234"),
        ("来电 13906351234，请回电", "来电 139****1234，请回电"),
        ("0635-8212345", "0635-***2345"),
        ("orderNo LC12345-20261127-000123", "orderNo LC12345-20261127-000123"),
        ("account 0102030405", "account 0102030405"),
        ("+86 139 0635 1234", "+86 139****1234"),
        ("+8613906351234", "+86139****1234"),
        ("86-13906351234", "86-139****1234"),
        ("(+86)139-0635-1234", "(+86)139****1234"),
        ("0086 13906351234", "0086 139****1234"),
        ("电话139 0635 1234 找王", "电话139****1234 找王"),
        ("139-0635-1234", "139****1234"),
        ("户号010203040513906351234", "户号0102030405139****1234"),
        ("1390635123413806350301", "139****1234138****0301"),
        ("１３９０６３５１２３４", "139****1234"),
        ("（＋８６）１３９０６３５１２３４ 残疾人（轮椅）", "(+86)139****1234 残疾人（轮椅）"),
        ("0635 8212345", "0635 ***2345"),
        ("2026-11-27 13:45 到场", "2026-11-27 13:45 到场"),
        (
            "entry a1b2c161-4167-9766-8123-139063512345",
            "entry a1b2c161-4167-9766-8123-139063512345",
        ),
    ],
)
def test_mobiles_and_landlines_are_masked_but_order_numbers_are_not(text: str, masked: str) -> None:
    assert mask_phone(text) == masked
    assert not has_unmasked_mobile(mask_phone(text))
    assert mask_phone(masked) == masked


def test_a_non_utf8_message_keeps_its_bytes_but_not_its_phones() -> None:
    raw = b"\xff\xfe caller 13906351234 \x80"
    assert mask_bytes(raw) == b"\xff\xfe caller 139****1234 \x80"
    assert mask_bytes("来电 13906351234".encode()) == "来电 139****1234".encode()


def test_every_string_inside_a_json_value_is_masked() -> None:
    value = {"a": ["+86 139 0635 1234", 7, None], "b": {"c": "86-13806350301"}}
    assert mask_json(value) == {"a": ["+86 139****1234", 7, None], "b": {"c": "86-138****0301"}}
    assert unmasked_phones(json.dumps(mask_json(value))) == []


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
