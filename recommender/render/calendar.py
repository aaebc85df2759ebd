"""The plan as an iCalendar file (RFC 5545): one all-day event per session.

Sessions have a day but no hour, so each is an all-day event the person fits into
their day. UIDs come from the answers, so importing the same plan twice updates the
events rather than doubling them.
"""

from __future__ import annotations

import datetime as dt
import json

from recommender import __version__
from recommender.core.errors import AnswersError
from recommender.pipeline.plan import Session, Week
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL
from recommender.render import RenderOptions
from recommender.render.phrases import how_hard, item_words, walking_words

PRODID = f"-//backplan//backplan {__version__}//EN"


def render(result: Result, options: RenderOptions) -> str:
    return render_ics(result, stamp=options.produced)


def render_ics(result: Result, stamp: dt.datetime) -> str:
    from icalendar import Calendar, Event

    start = result.answers.start_date
    if start is None:
        raise AnswersError(
            ["start_date is needed for a calendar (ics): add it to the answers, as YYYY-MM-DD"],
            "the answers",
        )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "backplan exercise plan")
    key = _plan_key(result)

    if result.plan is None:
        # A calendar needs at least one event: a reminder of what to do instead.
        event = Event()
        event.add("uid", f"{key}-no-plan@backplan")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(days=1))
        event.add("summary", "No exercise plan: see a clinician first")
        event.add("description", _no_plan_text(result))
        calendar.add_component(event)
    else:
        for week in result.plan.weeks:
            for session in week.sessions:
                assert session.date is not None
                event = Event()
                event.add("uid", f"{key}-{session.date.isoformat()}@backplan")
                event.add("dtstamp", stamp)
                event.add("dtstart", session.date)
                event.add("dtend", session.date + dt.timedelta(days=1))
                event.add("summary", f"Back and neck exercises (about {session.minutes} min)")
                event.add("description", _session_text(result, week, session))
                event.add("transp", "TRANSPARENT")  # it does not block the day
                calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def _plan_key(result: Result) -> str:
    from recommender.inputs.cache import blake2b

    data = json.dumps(result.answers.fact(), sort_keys=True).encode()
    return blake2b(data, digest_size=8).hexdigest()


def _session_text(result: Result, week: Week, session: Session) -> str:
    lines = [f"Week {week.number} of your backplan plan. Do these in order:"]
    for n, item in enumerate(session.exercises, 1):
        lines.append(f"{n}. {item.exercise.name}: {item_words(item)}")
        if item.dose.effort:
            lines.append(f"   {how_hard(item)}")
    if week.walking is not None:
        lines += ["", walking_words(week.walking)]
    lines += [f"{note}" for note in week.notes]
    for note in result.notes:
        if note.id.startswith(("NOTE-PAIN-MONITORING", "NOTE-SELF-MANAGEMENT")):
            lines += ["", " ".join(note.text.split())]
    if result.triage.level != "none":
        lines += ["", result.triage.action + "."]
    return "\n".join(lines + _safety_net_lines(result))


def _safety_net_lines(result: Result) -> list[str]:
    if result.safety_net is None:
        return []
    return ["", *result.safety_net.sentences()]


def _no_plan_text(result: Result) -> str:
    lines = [result.triage.action + "."]
    if result.withheld is not None:
        lines.append(" ".join(result.withheld.reason.split()))
    found = result.triage
    for flag in found.shown_flags:
        lines.append(f"{flag.title}: {' '.join(flag.advice.split())}")
    if found.also_tell:
        lines.append(f"{ALSO_TELL} {'; '.join(found.also_tell)}.")
    if found.escalation is not None:
        lines += ["", *found.escalation.sentences()]
    return "\n".join(lines + _safety_net_lines(result))
