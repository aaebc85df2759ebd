"""Renderers: a Result (or the catalog, or the rules) turned into text for people or tools."""

from __future__ import annotations

import json
from typing import Any

from ..recommend import Result

FORMATS = ("text", "json")


def to_json(data: Any) -> str:
    """Stable JSON: the same data always gives the same bytes."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_result(
    result: Result, fmt: str, color: bool = False, explain_args: str = "--answers FILE"
) -> str:
    """The result in one of FORMATS. `explain_args` completes the `backplan explain` hint."""
    if fmt == "json":
        return to_json(result.to_dict())
    if fmt == "text":
        from .text import render_text

        return render_text(result, color=color, explain_args=explain_args)
    raise ValueError(f"unknown format {fmt!r}")
