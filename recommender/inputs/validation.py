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
from typing import Any, TypeVar

from pydantic_core import SchemaValidator, ValidationError

from recommender.core import jsonline
from recommender.inputs.cache import KeyPart, cached

#: The packages that define validated types: a change to any of their modules rebuilds
#: every validator. Listing packages, not files, keeps this module ignorant of which
#: type lives where.
_TYPE_PACKAGES = ("core", "rulebook", "inputs")

__all__ = ["ValidationError", "validate", "validate_parsed", "validator_for", "problems"]

T = TypeVar("T")


@cache
def validator_for(cls: type) -> SchemaValidator:
    """The compiled validator of a dataclass (from the cache when it can be)."""
    # lazy: pydantic-core is loaded only by the commands that use it
    import pydantic_core

    key: list[KeyPart] = [*_type_sources(), cls.__module__, cls.__qualname__]
    key.append(pydantic_core.__version__)
    return cached(f"validator-{cls.__name__}", key, lambda: _build(cls), kind=SchemaValidator)


@cache
def _type_sources() -> tuple[Path, ...]:
    top = Path(__file__).resolve().parent.parent
    return tuple(sorted(p for name in _TYPE_PACKAGES for p in (top / name).rglob("*.py")))


def _build(cls: type) -> SchemaValidator:
    """Build the validator with pydantic.

    The type modules name annotated_types as `at` only inside annotations (importing
    it at start-up would cost every run 5 ms for what only a cache miss needs), so
    the name is supplied here, while the annotations are read.
    """
    return SchemaValidator(_adapter(cls).core_schema)


def _adapter(cls: type) -> Any:
    # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
    import annotated_types
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Any] = TypeAdapter(cls)
    adapter.rebuild(force=True, _types_namespace={"at": annotated_types})
    return adapter


def validate(cls: type[T], data: Any) -> T:
    """`data` (plain JSON-like values) as an instance of `cls`, or ValidationError.

    Raises TypeError when `data` holds something JSON cannot (a YAML date, say).
    """
    kind: type = cls  # as a plain class: mypy takes type[T] for unhashable in the cache
    valid: T = validator_for(kind).validate_json(json.dumps(data, allow_nan=False))
    return valid


def validate_parsed(cls: type[T], data: Any) -> T:
    """validate() for data as a JSON parser gave it, nothing else (text keys; text,
    numbers but NaN and infinity, true, false, null, lists and objects), which
    core/jsonline.py writes back as JSON several times faster: a batch reads every
    line this way (benchmarks/bench.py (b), warm throughput)."""
    kind: type = cls
    valid: T = validator_for(kind).validate_json(jsonline.dumps(data))
    return valid


def problems(exc: ValidationError) -> list[str]:
    """Each error as "field.path: message", for rule and catalog files."""
    lines = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(part) for part in err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return lines


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema pydantic derives from a dataclass (for `backplan schema`)."""
    schema: dict[str, Any] = _adapter(cls).json_schema()
    return schema
