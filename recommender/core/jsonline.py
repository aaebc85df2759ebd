"""Compact JSON on one line: the text of `json.dumps(value, ensure_ascii=False,
separators=(",", ":"))`, byte for byte.

`batch` writes one such line per person and hands the rule engine one per person;
encoding them was a fifth of a person's time. orjson writes the same text several
times faster. Where orjson is not installed (it is built for CPython only), or for a
value it will not encode (an integer beyond 64 bits, a key that is not a string), the
standard library writes it. tests/render/test_jsonline.py holds the two to the same
bytes for text, whole numbers, true, false, null, lists and objects: all that a result
or a fact holds. (Floats would differ: orjson writes 1e-05 as 1e-5, and NaN as null.)
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - depends on the platform
    orjson = None  # type: ignore[assignment]


def dumps(value: Any) -> str:
    if orjson is not None:
        try:
            return orjson.dumps(value).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError: a value it does not encode
            pass
    return standard_dumps(value)


def dumps_utf8(value: Any) -> bytes:
    """dumps(value) encoded as UTF-8, without the text in between: orjson writes bytes,
    and a batch puts each line straight into its chunk's block of bytes (a result is
    some 27 KB; decoding it and encoding it again took a twentieth of a line's time,
    benchmarks/bench.py (b))."""
    if orjson is not None:
        try:
            return orjson.dumps(value)
        except TypeError:  # orjson.JSONEncodeError: a value it does not encode
            pass
    return standard_dumps(value).encode("utf-8")


def standard_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
