"""What a dead letter carries, and how it is read back: one format for the services that write
letters (shared/messaging.py) and the ``gridline dlq`` command that lists and replays them.

A letter is a JSON object with the reason, the source topic, partition and offset, and the
message itself with every phone number masked (a dead-letter topic is read by whoever operates
it). UTF-8 text is kept as text in ``payload``; any other bytes are kept exactly, base64-encoded,
in ``payload_base64``, so a replay sends the bytes that arrived, not a text rendering of them.
A letter whose phone field was masked fails its validation again on replay: the source resends
it (12345 and 96568 numbers are idempotent keys) or an operator corrects it.
"""

import base64
import binascii
import json
from typing import Any

from shared.masking import mask_bytes, mask_phone


def letter_payload(raw: bytes) -> dict[str, str]:
    masked = mask_bytes(raw)
    try:
        return {"payload": masked.decode("utf-8")}
    except UnicodeDecodeError:
        return {"payload_base64": base64.b64encode(masked).decode("ascii")}


def letter_reason(reason: str) -> str:
    return mask_phone(reason)


def original_bytes(letter: dict[str, Any]) -> bytes:
    """The message to send back: the exact bytes for a non-UTF-8 letter, the text otherwise
    (letters written before ``payload_base64`` existed kept hex text: that is sent as it is)."""
    encoded = letter.get("payload_base64")
    if isinstance(encoded, str):
        try:
            return base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"payload_base64 is not base64: {exc}") from exc
    payload = letter.get("payload")
    if not isinstance(payload, str):
        raise ValueError("the letter has no payload")
    return payload.encode("utf-8")


def read_letter(value: bytes | None) -> dict[str, Any]:
    """A letter as listed; a record that is not one (not JSON, not an object, fields missing)
    is listed as unreadable instead of stopping the listing."""
    try:
        data = json.loads(value or b"")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _unreadable(f"not JSON: {exc}")
    if not isinstance(data, dict):
        return _unreadable("not a JSON object")
    letter = {
        "reason": "",
        "consumer": "?",
        "source_topic": None,
        "partition": "?",
        "offset": "?",
        "failed_at": "?",
        **data,
    }
    letter["reason"] = mask_phone(str(letter["reason"]))
    return letter


def _unreadable(why: str) -> dict[str, Any]:
    return {
        "reason": f"不可读的死信记录 (unreadable record: {why})",
        "consumer": "?",
        "source_topic": None,
        "partition": "?",
        "offset": "?",
        "failed_at": "?",
        "unreadable": True,
    }
