"""Dotted answer paths ("red_flags.fever"): the one way backplan reads and writes a
nested answer by its key, as rules, questions, FHIR items and examples name it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: What `get_path` returns for a path the data does not hold (None is a real value).
MISSING: Any = object()


def get_path(data: Any, path: str, default: Any = MISSING) -> Any:
    """The value at `path` in nested mappings, or `default` where any step is absent."""
    value = data
    for key in path.split("."):
        # A plain dict is asked first: the Mapping check costs more (bench.py (b)).
        if not (type(value) is dict or isinstance(value, Mapping)) or key not in value:
            return default
        value = value[key]
    return value


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at `path`, making the mappings on the way as needed."""
    *parents, leaf = path.split(".")
    target = data
    for key in parents:
        target = target.setdefault(key, {})
    target[leaf] = value


def drop_path(data: dict[str, Any], path: str) -> None:
    """Remove the value at `path`, where there is one."""
    *parents, leaf = path.split(".")
    target: Any = data
    for key in parents:
        target = target.get(key, {})
    target.pop(leaf, None)
