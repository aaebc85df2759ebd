"""The printable HTML page: one self-contained file to print or hand to a patient.

The content follows the terminal rendering (render/text.py): the warning first, then
the plan (or why there is none), the notes, the sources, and a dated footer. Unlike the
terminal, how to do each exercise comes right after the sessions that first ask for
it, so that its picture is never more than a page away from where the plan names it.
The page itself is a Jinja2 template (templates/plan.html.j2) with autoescaping on,
so every piece of text, the person's name above all, is escaped; this module only
turns a Result into plain values.

The page has inline CSS only: no scripts, no links, no fonts or images from anywhere;
each exercise's figure is inline SVG drawn by render/figures.py.
Jinja2 is imported only when a page is rendered (this module itself is only imported
for `--format html`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

from recommender.core.wording import words
from recommender.pipeline.plan import Plan, Prescription, Session
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL
from recommender.render import RenderOptions
from recommender.render.figures import svg
from recommender.render.phrases import (
    DISCLAIMER,
    FOLLOW_THE_PLAN,
    LEVEL_WORDS,
    NO_PLAN_UNTIL_SEEN,
    how_hard,
    item_words,
    plan_summary,
    walking_words,
)

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

TEMPLATE = "plan.html.j2"

#: Paper sizes a caller may pin with `paper=`; None leaves it to the printer's setting.
PAPER = {"a4": "A4", "letter": "letter"}


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Day(NamedTuple):
    """One session's day, for its tick box."""

    label: str  # "Monday" or "Monday 3 March 2025"
    iso: Optional[str]  # the date, when the plan is dated


class Item(NamedTuple):
    name: str
    dose: str


class HowTo(NamedTuple):
    name: str
    about: str  # "stretch, sitting, a chair"
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    figure: str  # the figure as inline SVG, moving and still (markup, already safe)
    effort: str = ""


class Group(NamedTuple):
    """Sessions of one week with the same exercises and doses, shown once, followed by
    how to do the exercises they bring in for the first time: the pictures sit next
    to the schedule that first asks for them."""

    days: tuple[Day, ...]
    minutes: int
    items: tuple[Item, ...]
    new: tuple[HowTo, ...] = ()


class WeekView(NamedTuple):
    number: int
    groups: tuple[Group, ...]
    notes: tuple[str, ...] = ()
    walking: str = ""
    new: tuple[HowTo, ...] = ()  # walking between the sessions, the first time


class Source(NamedTuple):
    text: str
    rules: tuple[str, ...]


def long_date(day: dt.date) -> str:
    """3 March 2025: the same in every locale, and unambiguous everywhere."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def render(result: Result, options: RenderOptions) -> str:
    return render_html(result, produced=options.produced, paper=options.paper)


def render_html(result: Result, produced: dt.datetime, paper: Optional[str] = None) -> str:
    """The result as one self-contained printable HTML page.

    `produced` is the moment the page is made (its date is printed in the footer).
    `paper` ("a4" or "letter") pins the printed page size; by default the printer's
    own paper is used, and the layout fits both.
    """
    if paper is not None and paper.lower() not in PAPER:
        raise ValueError(f"unknown paper {paper!r}: use one of {', '.join(PAPER)}")
    template = _environment().get_template(TEMPLATE)
    return template.render(page=_page(result, produced, paper))


def page_values(
    result: Result, produced: dt.datetime, paper: Optional[str] = None
) -> dict[str, Any]:
    """What templates/plan.html.j2 draws as `page`: the web app's result page extends
    the same template, so it shows exactly what the printable page shows."""
    return _page(result, produced, paper)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # lazy: Jinja2 is loaded only by the commands that use it
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("recommender.render", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "j2"), default_for_string=True, default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _page(result: Result, produced: dt.datetime, paper: Optional[str]) -> dict[str, Any]:
    answers = result.answers
    found = result.triage
    plan = result.plan
    day = produced.date()
    return {
        "name": answers.name,
        "paper": PAPER[paper.lower()] if paper else None,
        "level": found.level,
        "action": found.action,
        "flags": [
            {
                "id": f.id,
                "level": f.level,
                "level_words": LEVEL_WORDS.get(f.level, f.level),
                "title": f.title,
                "advice": f.advice,
            }
            for f in found.shown_flags
        ],
        "also_tell": found.also_tell,
        "also_tell_heading": ALSO_TELL,
        "escalation": found.escalation,
        "withheld": result.withheld,
        "summary": _summary(result, plan) if plan else None,
        "weeks": _weeks(plan) if plan else [],
        "notes": [{"id": n.id, "title": n.title, "text": n.text} for n in result.notes],
        "safety_net": result.safety_net,
        "follow": FOLLOW_THE_PLAN,
        "unused_equipment": plan.unused_equipment if plan else (),
        "no_plan": NO_PLAN_UNTIL_SEEN,
        "disclaimer": DISCLAIMER,
        "sources": _sources(result),
        "produced": long_date(day),
        "produced_iso": day.isoformat(),
    }


def _summary(result: Result, plan: Plan) -> str:
    return plan_summary(result.answers, len(plan.weeks))


def _weeks(plan: Plan) -> list[WeekView]:
    """As in the terminal: sessions with the same exercises and doses are shown once,
    with a tick box for each of their days; each group is followed by how to do the
    exercises it asks for first."""
    seen: set[str] = set()

    def first(items: list[Prescription]) -> tuple[HowTo, ...]:
        fresh = [p for p in items if p.exercise.id not in seen]
        seen.update(p.exercise.id for p in fresh)
        return tuple(_how_to(p) for p in fresh)

    views = []
    for week in plan.weeks:
        groups = tuple(
            Group(
                tuple(_day(session) for session in group),
                group[0].minutes,
                tuple(Item(p.exercise.name, item_words(p)) for p in group[0].exercises),
                first(list(group[0].exercises)),
            )
            for group in week.session_groups()
        )
        walking = week.walking
        views.append(
            WeekView(
                week.number,
                groups,
                tuple(week.notes),
                walking_words(walking) if walking else "",
                first([walking.prescription]) if walking else (),
            )
        )
    return views


def _day(session: Session) -> Day:
    name = session.day.capitalize()
    if session.date is None:
        return Day(name, None)
    return Day(f"{name} {long_date(session.date)}", session.date.isoformat())


def _how_to(item: Prescription) -> HowTo:
    # lazy: MarkupSafe is loaded only by the commands that use it
    from markupsafe import Markup

    exercise = item.exercise
    kit = " and ".join(words(e) for e in exercise.equipment) or "no equipment"
    return HowTo(
        exercise.name,
        f"{exercise.kind}, {words(item.position)}, {kit}",
        tuple(exercise.steps),
        tuple(exercise.cautions),
        # Drawn by our own code from checked numbers; every text in it is escaped there.
        Markup(svg(exercise, position=item.position, motion=True)),
        how_hard(item),
    )


def _sources(result: Result) -> list[Source]:
    """Every distinct source of the rules that fired and the notes shown, first seen
    first, each with the rule ids that rest on it."""
    found: dict[str, list[str]] = {}
    cited = [(f.rule, f.source) for f in result.fired]
    cited += [(n.id, n.source) for n in result.notes]
    if result.safety_net is not None:
        cited.append(("safety net", result.safety_net.source))
    for rule, source in cited:
        rules = found.setdefault(source, [])
        if rule not in rules:
            rules.append(rule)
    return [Source(text, tuple(rules)) for text, rules in found.items()]
