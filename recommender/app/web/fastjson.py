"""The result JSON, written faster, byte for byte as `render.to_json` writes it.

`json.dumps(..., indent=2)` falls back to the standard library's pure-Python encoder
(its C encoder handles no indentation), which costs as much as the whole triage and
plan on the API's hot path. This writer handles only what a result holds (dicts with
text keys, lists, text, whole numbers, true/false/null) with the C string escaper, and
hands anything else to the standard encoder. Tests compare its bytes with `to_json`
for thousands of results (tests/web/test_web.py).

`result_json` is faster still, for a result alone: orjson writes the same text with
two-space indents in a twentieth of the time, for what a result holds (text, whole
numbers, true, false, null, lists and objects; a result holds no float, where orjson
would differ: 1e-05 as 1e-5, infinity as null). Where orjson is not installed, or for
a value it will not encode, `to_json` writes it.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - built for CPython only
    orjson = None  # type: ignore[assignment]

try:  # the C escaper behind json.dumps(ensure_ascii=False)
    from _json import encode_basestring as _text
except ImportError:  # pragma: no cover - other Python implementations
    from json.encoder import py_encode_basestring as _text


class _Unusual(Exception):
    """A value this writer leaves to the standard library."""


def to_json(data: Any) -> str:
    """Exactly `json.dumps(data, indent=2, ensure_ascii=False) + "\\n"`."""
    parts: list[str] = []
    try:
        _write(data, parts, "\n")
    except _Unusual:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    parts.append("\n")
    return "".join(parts)


def result_json(data: Any) -> bytes:
    """`to_json(data)` as UTF-8, for a result's data (no floats: see the module's notes)."""
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
        except TypeError:  # orjson.JSONEncodeError: a key that is not text, a huge number
            pass
    return to_json(data).encode()


def _write(value: Any, out: list[str], newline: str) -> None:
    kind = type(value)
    if kind is str:
        out.append(_text(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            out.append(separator)
            out.append(_text(key))
            out.append(": ")
            _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    else:  # floats, subclasses, anything else: the standard encoder's exact rules
        raise _Unusual
