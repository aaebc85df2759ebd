"""The plan as an iCalendar file (RFC 5545): one event per session, and one for each
week's check-in ("How did this week go?").

Without a time of day, sessions are all-day events the person fits into their day.
With one (`--time 18:30 --tz Europe/London`), each is a timed event of the session's
length in that time zone, with the zone's rules in the file (VTIMEZONE, so summer time
is right in every calendar) and an alarm before it (`--remind`, 10 minutes unless
told). Each event's description lists the exercises with their amounts and rests, the
safety net, and the session's page when a web address is known. UIDs come from the
answers, so importing the same plan twice updates the events rather than doubling them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

from recommender import __version__
from recommender.core.errors import AnswersError
from recommender.inputs.cache import blake2b
from recommender.pipeline.plan import Session, Week
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL
from recommender.render import Reminders, RenderOptions
from recommender.render.phrases import how_hard, item_words, walking_words

PRODID = f"-//backplan//backplan {__version__}//EN"


def render(result: Result, options: RenderOptions) -> str:
    return render_ics(result, stamp=options.produced, reminders=options.reminders)


def render_ics(result: Result, stamp: dt.datetime, reminders: Optional[Reminders] = None) -> str:
    # lazy: icalendar is loaded only by the commands that use it
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
                _when(event, session.date, session.minutes, reminders)
                event.add("summary", f"Back and neck exercises (about {session.minutes} min)")
                event.add("description", _session_text(result, week, session, reminders))
                event.add("transp", "TRANSPARENT")  # it does not block the day
                _alarm(event, "Time for your back and neck exercises", reminders)
                calendar.add_component(event)
            calendar.add_component(_checkin_event(result, week, key, stamp, reminders))
    if reminders is not None:
        calendar.add_component(_zone(result, reminders.zone))
    ical: bytes = calendar.to_ical()  # icalendar leaves it untyped
    return ical.decode("utf-8")


def _zone(result: Result, zone: str) -> Any:
    """The time zone's rules (VTIMEZONE) over the plan's weeks and a year either side:
    each change of offset (summer time) listed by its own date, which every calendar
    reads alike, rather than the decades of dates a whole zone would carry."""
    # lazy: zoneinfo is loaded only by the commands that use it
    from zoneinfo import ZoneInfo

    # lazy: icalendar is loaded only by the commands that use it
    from icalendar import Timezone

    start = result.answers.start_date
    assert start is not None
    weeks = len(result.plan.weeks) if result.plan is not None else 1
    first = start - min(dt.timedelta(days=366), start - dt.date.min)
    # The zone's rules are worked out a little past the last date: keep clear of the
    # calendar's end.
    end_of_time = dt.date.max - dt.timedelta(days=100)
    last = start + min(
        dt.timedelta(weeks=weeks, days=366), max(end_of_time - start, dt.timedelta(0))
    )
    return Timezone.from_tzinfo(ZoneInfo(zone), tzid=zone, first_date=first, last_date=last)


#: How long the weekly check-in takes, in the calendar.
CHECKIN_MINUTES = 5


def _when(event: Any, day: dt.date, minutes: int, reminders: Optional[Reminders]) -> None:
    """All day, or from the chosen time for `minutes`, in the chosen zone."""
    if reminders is None:
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        return
    # lazy: zoneinfo is loaded only by the commands that use it
    from zoneinfo import ZoneInfo

    start = dt.datetime.combine(day, reminders.time, tzinfo=ZoneInfo(reminders.zone))
    event.add("dtstart", start)
    try:
        end = start + dt.timedelta(minutes=max(minutes, 1))
    except OverflowError:  # a session late on the calendar's very last day
        end = start.replace(hour=23, minute=59, second=59)
    event.add("dtend", end)


def _alarm(event: Any, text: str, reminders: Optional[Reminders]) -> None:
    if reminders is None or not reminders.remind:
        return
    # lazy: icalendar is loaded only by the commands that use it
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", dt.timedelta(minutes=-reminders.remind))
    event.add_component(alarm)


def _checkin_event(
    result: Result, week: Week, key: str, stamp: dt.datetime, reminders: Optional[Reminders]
) -> Any:
    """The week's check-in, on its last day, after any session that day."""
    # lazy: icalendar is loaded only by the commands that use it
    from icalendar import Event

    start = result.answers.start_date
    assert start is not None
    day = start + dt.timedelta(days=7 * week.number - 1)
    event = Event()
    event.add("uid", f"{key}-checkin-{week.number}@backplan")
    event.add("dtstamp", stamp)
    later = None
    if reminders is not None:
        ends = [s.minutes for s in week.sessions if s.date == day]
        shifted = dt.datetime.combine(day, reminders.time) + dt.timedelta(minutes=sum(ends))
        later = Reminders(shifted.time(), reminders.zone, reminders.remind, reminders.base_url)
    _when(event, day, CHECKIN_MINUTES, later)
    event.add("summary", "How did this week go?")
    event.add("description", _checkin_text(result, week, reminders))
    event.add("transp", "TRANSPARENT")
    _alarm(event, "How did this week go?", later)
    return event


def _checkin_text(result: Result, week: Week, reminders: Optional[Reminders]) -> str:
    lines = [
        f"The end of week {week.number} of your backplan plan. How did it go?",
        "Note how many sessions you did, the highest pain during the exercises, how the "
        "pain was the next morning, and your usual pain this week. If you track your "
        "plan with backplan, check in now: it changes next week's amounts when a week "
        "went badly, or well.",
    ]
    if reminders is not None and reminders.base_url:
        lines += ["", f"Check in: {reminders.base_url.rstrip('/')}/checkin"]
    return "\n".join(lines + _safety_net_lines(result))


def _plan_key(result: Result) -> str:
    data = json.dumps(result.answers.fact(), sort_keys=True).encode()
    return blake2b(data, digest_size=8).hexdigest()


def _session_text(
    result: Result, week: Week, session: Session, reminders: Optional[Reminders] = None
) -> str:
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
    if reminders is not None and reminders.base_url:
        page = f"{reminders.base_url.rstrip('/')}/session?week={week.number}&day={session.day}"
        lines += ["", f"Do it with timers for the holds and rests: {page}"]
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
