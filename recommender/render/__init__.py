"""Renderers: a Result (or the catalog, or the rules) turned into text for people or tools."""

from __future__ import annotations

import json
from typing import Any, Optional

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


def render_stopped_result(flags: tuple, emergency_number: Optional[str], fmt: str,
                          color: bool = False) -> str:
    """The result of an intake stopped by an emergency red flag.

    The answers are incomplete, so there is no plan or exclusion list: only the
    emergency and the flags that raised it.
    """
    from ..triage import Triage, level_action

    found = Triage("emergency", tuple(flags), level_action("emergency", emergency_number))
    if fmt == "json":
        return to_json({
            "triage": found.to_dict(),
            "plan_withheld": None,
            "plan": None,
            "excluded": [],
            "notes": [],
            "intake_stopped": True,
        })
    from .text import render_stopped

    return render_stopped(found, color=color)
