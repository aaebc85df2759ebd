"""Validation of plain data against our dataclasses, with pydantic-core.

pydantic builds each validator from the dataclass (types, bounds, docstrings, config);
that is slow, so the compiled validator is cached between runs (cache.py) and pydantic
itself is only imported when a validator has to be built.

Validation runs in JSON mode: the data is checked exactly as JSON would give it, with
no coercion ("40" is not an age, 1 is not true).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_core import SchemaValidator, ValidationError

from .cache import cached

#: The modules whose types the validators check; any change to them rebuilds them all.
_TYPE_MODULES = [
    Path(__file__).with_name(f"{name}.py")
    for name in ("answers", "catalog", "rulebook", "conditions", "intake")
]

__all__ = ["ValidationError", "validate", "validator_for", "problems"]


@cache
def validator_for(cls: type) -> SchemaValidator:
    """The compiled validator of a dataclass (from the cache when it can be)."""
    import pydantic_core

    key = [*_TYPE_MODULES, cls.__module__, cls.__qualname__, pydantic_core.__version__]
    return cached(f"validator-{cls.__name__}", key, lambda: _build(cls))


def _build(cls: type) -> SchemaValidator:
    from pydantic import TypeAdapter

    annotation_names()
    return SchemaValidator(TypeAdapter(cls).core_schema)


def annotation_names() -> None:
    """Make `at` (annotated_types) resolvable in our type modules' annotations.

    Those modules name it only inside annotations, which stay strings until something
    reads them (pydantic, here). Importing it at start-up would cost every run 5 ms
    for what only a cache miss needs.
    """
    import importlib

    import annotated_types

    for name in ("answers", "catalog", "rulebook"):
        module = importlib.import_module(f"{__package__}.{name}")
        vars(module).setdefault("at", annotated_types)


def validate(cls: type, data: Any) -> Any:
    """`data` (plain JSON-like values) as an instance of `cls`, or ValidationError.

    Raises TypeError when `data` holds something JSON cannot (a YAML date, say).
    """
    return validator_for(cls).validate_json(json.dumps(data, allow_nan=False))


def problems(exc: ValidationError) -> list[str]:
    """Each error as "field.path: message", for rule and catalog files."""
    lines = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(part) for part in err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return lines


def json_schema(cls: type) -> dict:
    """The JSON Schema pydantic derives from a dataclass (for `backplan schema`)."""
    from pydantic import TypeAdapter

    annotation_names()
    return TypeAdapter(cls).json_schema()
