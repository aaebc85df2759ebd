"""Renderers: a Result (or the catalog, or the rules) turned into text for people or tools."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from recommender.core.errors import BackplanError

if TYPE_CHECKING:  # annotations only: `backplan --help` and `track checkin` skip the pipeline
    from recommender.pipeline.recommend import Result
    from recommender.pipeline.triage import Flag, Triage


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
        try:
            return dt.datetime.fromtimestamp(int(epoch[:20]), tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise BackplanError(
                f"SOURCE_DATE_EPOCH={epoch[:20]}{'...' if len(epoch) > 20 else ''} is not a "
                "time backplan can date a document with (seconds since 1970, before the "
                "year 10000)"
            ) from None
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class Reminders:
    """Calendar reminders: sessions at a time of day in a time zone, each with an alarm
    `remind` minutes before (0: none), linking to `base_url`'s session page if given."""

    time: dt.time
    zone: str
    """An IANA time zone name (Europe/London)"""
    remind: int = 10
    base_url: Optional[str] = None


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may need besides the result."""

    color: bool = False
    """Terminal colour (text only; the words always say everything)"""
    paper: Optional[str] = None
    """a4 or letter, to fix the printed page size of the HTML"""
    produced: dt.datetime = field(default_factory=lambda: now())
    """When the document is made (dated formats)"""
    width: int = 78
    """Columns to wrap text to (text only): a terminal's own width, else 78"""
    reminders: Optional[Reminders] = None
    """The calendar: timed sessions with alarms (None: all-day events, no alarm)"""
    figures: Optional[str] = None
    """Markdown: "embed" puts each figure in the text as a data URI; a folder name links
    each to an SVG file there (the caller writes them: render.markdown.figure_files);
    None leaves the figures out with a note"""


@dataclass(frozen=True)
class Download:
    """How the web app offers a format for saving: a link on the result page (a form
    that asks for the first day, for a dated format) and `/download/<format>`."""

    file_name: str
    label: str
    """The link's words on the result page"""
    only_with_plan: bool = False
    """Offered only on a result that carries a plan"""
    button: str = "Download"
    """The form's button, for a dated format"""


@dataclass(frozen=True)
class Format:
    """One output format of a result."""

    module: str
    """The module under recommender/render/ whose `render(result, options) -> str`
    writes it"""
    media_type: str
    """What the text is: the web app sends it as this, and the tests read it back by it
    (text, HTML, JSON or a calendar)"""
    download: Optional[Download] = None
    """How the web app offers it, or None for the command line alone"""
    dated: bool = False
    """Needs a start date (a calendar): the web app asks for the first day"""


#: Every output format, in the order people meet them. The command line's `--format`
#: choices, the web app's downloads and the safety tests (tests/pipeline/test_safety.py)
#: all read this registry, so a new format is one module and one entry here
#: (CONTRIBUTING.md, "Add an output format"). Modules are imported only when their
#: format is asked for, so a text plan never loads Jinja2 or icalendar.
FORMATS: dict[str, Format] = {
    "text": Format("text", "text/plain; charset=utf-8"),
    "html": Format(
        "html", "text/html; charset=utf-8", Download("backplan-plan.html", "Web page (HTML)")
    ),
    "sheet": Format(
        "sheet",
        "text/html; charset=utf-8",
        Download("backplan-sheet.html", "Fridge sheet (one page a week)", only_with_plan=True),
    ),
    "markdown": Format(
        "markdown",
        "text/markdown; charset=utf-8",
        Download("backplan-plan.md", "Text (Markdown)"),
    ),
    "json": Format(
        "json_result", "application/json", Download("backplan-result.json", "Data (JSON)")
    ),
    "fhir": Format(
        "fhir_careplan",
        "application/fhir+json",
        Download("backplan-careplan.json", "FHIR CarePlan"),
    ),
    "ics": Format(
        "calendar",
        "text/calendar; charset=utf-8",
        Download(
            "backplan-plan.ics",
            "Calendar (ics)",
            only_with_plan=True,
            button="Download calendar",
        ),
        dated=True,
    ),
}


def render_result(result: Result, fmt: str, options: Optional[RenderOptions] = None) -> str:
    """The result in one of FORMATS."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt].module}")
    text: str = module.render(result, options or RenderOptions())
    return text


def stopped_triage(flags: tuple[Flag, ...], emergency_number: Optional[str]) -> Triage:
    """The triage of an intake stopped by emergency red flags."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.pipeline.triage import Triage, level_action

    return Triage("emergency", tuple(flags), level_action("emergency", emergency_number))


def render_stopped_result(
    flags: tuple[Flag, ...],
    emergency_number: Optional[str],
    fmt: str,
    color: bool = False,
    width: int = 78,
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
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.render.text import render_stopped

    return render_stopped(found, color=color, width=width)


def render_withheld_early(
    rule: Any, emergency_number: Optional[str], fmt: str, width: int = 78
) -> str:
    """The result of an intake stopped by a withholding rule before any warning sign
    was asked about (WH-MINOR, at the first question): the rule's advice, and the
    signs that mean "call for help now", since nothing was screened. No triage level
    was assessed, so `triage` is null in JSON."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.core.safety_net import safety_net
    from recommender.pipeline.triage import number_words

    net = safety_net("soon", False, number_words(emergency_number))
    assert net is not None
    if fmt == "json":
        return to_json(
            {
                "triage": None,
                "plan_withheld": {"id": rule.id, "reason": rule.reason},
                "plan": None,
                "excluded": [],
                "notes": [],
                "safety_net": net.to_dict(),
                "intake_stopped": True,
            }
        )
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.render.text import render_withheld_early_text

    return render_withheld_early_text(rule.reason, net, width)
