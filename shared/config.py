"""Configuration is data: YAML files validated by pydantic at start.

A bad file stops the service with the file, the field and the reason, never a traceback.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigError(Exception):
    """A configuration file that cannot be used; the message says file, field and reason."""


def load_yaml(path: Path, model: type[M]) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "(top level)"
            problems.append(f"{path}: field '{field}': {err['msg']}")
        raise ConfigError("\n".join(problems)) from exc


def load_checked_yaml(
    path: Path, model: type[M], problems: Callable[[M], list[tuple[str, str]]]
) -> M:
    """``load_yaml``, then the checks one field alone cannot make (a name that must be in the
    organisation, say): each problem is ``(field, why)`` and stops the service the same way."""
    data = load_yaml(path, model)
    found = problems(data)
    if found:
        raise ConfigError("\n".join(f"{path}: field '{field}': {why}" for field, why in found))
    return data
