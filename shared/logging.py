"""Structured JSON logs (structlog) with phone numbers masked before anything is written."""

import logging
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

from shared.masking import mask_phone


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_phone(value)
    if isinstance(value, Mapping):
        return {k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v) for v in value]
    return value


def mask_phones(
    _logger: Any, _name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    return {k: _mask_value(v) for k, v in event_dict.items()}


class _MaskingFormatter(logging.Formatter):
    """Library logs (uvicorn, aiokafka, faststream) pass through the same mask."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_phone(super().format(record))


def _to_stderr(*_args: Any) -> Any:
    # Resolved at each call, not at configuration: whatever sys.stderr is now (a test's capture,
    # a redirected stream) receives the line.
    return structlog.PrintLogger(sys.stderr)


def _configure_structlog(json_logs: bool) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            mask_phones,
            renderer,
        ],
        logger_factory=_to_stderr,
        cache_logger_on_first_use=False,
    )


def ensure_masked_logging() -> None:
    """A service embedded without ``gridline serve`` (tests, another ASGI server) still never
    writes a phone number unmasked: structlog's own default would print it as it is."""
    if not structlog.is_configured():
        _configure_structlog(json_logs=False)


def configure_logging(service: str, json_logs: bool = True, level: int = logging.INFO) -> None:
    _configure_structlog(json_logs)
    structlog.contextvars.bind_contextvars(service=service)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _MaskingFormatter(f"%(asctime)s {service} %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "faststream"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
