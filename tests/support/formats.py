"""The output formats as the tests read them: the registry's formats, and what a person
or a tool receives from each, as words that can be searched.

Every list of formats in the tests comes from here, and so from the registry
(`FORMATS` in recommender/render/__init__.py): a new format is held to the safety
tests the moment it is registered (CONTRIBUTING.md, "Add an output format"). How its
text is read back follows its media type, not its name.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from recommender.render import FORMATS, render_result

#: A start date for answers given to a dated format (a calendar needs one).
START = "2027-03-01"


def every_format() -> tuple[str, ...]:
    """Every registered format, read when called (a test module reads it when it is
    collected)."""
    return tuple(FORMATS)


def for_machines(fmt: str) -> bool:
    """A format read by tools (JSON, FHIR): it keeps rule ids and every flag whole."""
    return FORMATS[fmt].media_type.split(";")[0].endswith("json")


def for_people() -> tuple[str, ...]:
    """The formats a person reads."""
    return tuple(fmt for fmt in FORMATS if not for_machines(fmt))


def dated(raw: dict[str, Any]) -> dict[str, Any]:
    """`raw` with a start date, when it has none: every format can then render it."""
    return raw if raw.get("start_date") else dict(raw, start_date=START)


def shown(result: Any, fmt: str) -> str:
    """What a person or tool receives from `fmt`, with calendar events' descriptions
    unfolded, JSON decoded (no escapes), HTML entities read, and the sentences that
    text and Markdown wrap inside boxes and quotes joined again."""
    text = render_result(result, fmt)
    media = FORMATS[fmt].media_type.split(";")[0]
    if media == "text/calendar":
        from icalendar import Calendar

        events = Calendar.from_ical(text).walk("VEVENT")
        assert events, f"{fmt}: no event"
        text = "\n".join(str(event["DESCRIPTION"]) for event in events)
    elif for_machines(fmt):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    elif media == "text/html":
        text = html.unescape(text)
    return " ".join(re.sub(r"\s*[|>]\s*", " ", text).split())


def calendar_events(result: Any, fmt: str) -> list[str]:
    """Each event's description, for a calendar format; [] for any other."""
    if FORMATS[fmt].media_type.split(";")[0] != "text/calendar":
        return []
    from icalendar import Calendar

    text = render_result(result, fmt)
    return [str(event["DESCRIPTION"]) for event in Calendar.from_ical(text).walk("VEVENT")]
