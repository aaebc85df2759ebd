"""Renderers: a Result (or the catalog, or the rules) turned into text for people or tools."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any, Optional

from recommender.pipeline.recommend import Result

FORMATS = ("text", "json", "markdown", "html", "ics", "fhir")


def to_json(data: Any) -> str:
    """Stable JSON: the same data always gives the same bytes."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def now() -> dt.datetime:
    """The time a document is produced, in UTC.

    SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes it, so that dated
    outputs (HTML, calendar) can be made byte-identical too.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)


def render_result(
    result: Result,
    fmt: str,
    color: bool = False,
    explain_args: str = "--answers FILE",
    paper: Optional[str] = None,
) -> str:
    """The result in one of FORMATS. `explain_args` completes the `backplan explain`
    hint; `paper` (a4, letter) fixes the printed page size of the HTML."""
    if fmt == "json":
        return to_json(result.to_dict())
    if fmt == "text":
        from recommender.render.text import render_text

        return render_text(result, color=color, explain_args=explain_args)
    if fmt == "markdown":
        from recommender.render.markdown import render_markdown

        return render_markdown(result, produced=now())
    if fmt == "html":
        from recommender.render.html import render_html

        return render_html(result, produced=now(), paper=paper)
    if fmt == "ics":
        from recommender.render.calendar import render_ics

        return render_ics(result, stamp=now())
    if fmt == "fhir":
        from recommender.render.fhir_careplan import care_plan

        return to_json(care_plan(result, produced=now()))
    raise ValueError(f"unknown format {fmt!r}")


def stopped_triage(flags: tuple, emergency_number: Optional[str]):
    """The triage of an intake stopped by emergency red flags."""
    from recommender.pipeline.triage import Triage, level_action

    return Triage("emergency", tuple(flags), level_action("emergency", emergency_number))


def render_stopped_result(
    flags: tuple, emergency_number: Optional[str], fmt: str, color: bool = False
) -> str:
    """The result of an intake stopped by an emergency red flag.

    The answers are incomplete, so there is no plan or exclusion list: only the
    emergency and the flags that raised it.
    """
    found = stopped_triage(flags, emergency_number)
    if fmt == "json":
        return to_json(
            {
                "triage": found.to_dict(),
                "plan_withheld": None,
                "plan": None,
                "excluded": [],
                "notes": [],
                "intake_stopped": True,
            }
        )
    from recommender.render.text import render_stopped

    return render_stopped(found, color=color)
