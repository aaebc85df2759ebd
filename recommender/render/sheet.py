"""The fridge sheet (`backplan plan --format sheet`): the plan on paper, one page a week.

Print-first HTML: each week on its own page of A4 or Letter (a second page only when a
week cannot fit), each session's exercises as rows with the figure beside the amount
and the rest, a tick box and a pain score for each session's days, and in a small box
the level line, the warning signs and the person's emergency number (the safety net).
A result without a plan prints one page with its warning and why there is no plan:
nothing on paper may hide a warning.

The pictures are the figures' still poses only (no motion on paper), drawn by
render/figures.py; the page is made by templates/sheet.html.j2 with autoescaping on.
This module is imported only for `--format sheet`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, Optional

from recommender.pipeline.plan import Plan, Prescription
from recommender.pipeline.recommend import Result
from recommender.render import RenderOptions
from recommender.render.html import PAPER, Day, _day, _environment, long_date
from recommender.render.phrases import (
    DISCLAIMER,
    LEVEL_WORDS,
    NO_PLAN_UNTIL_SEEN,
    how_hard,
    item_words,
    person_text,
    plan_summary,
    walking_words,
)

TEMPLATE = "sheet.html.j2"


class Row(NamedTuple):
    number: int
    name: str
    amount: str
    rest: str  # "Rest 60 s between sets", or "" when the item says none
    effort: str
    figure: str  # the still poses as inline SVG (markup, already safe)


class SessionView(NamedTuple):
    days: tuple[Day, ...]
    minutes: int
    rows: tuple[Row, ...]


class WeekPage(NamedTuple):
    number: int
    first: str  # the week's first and last day, when the plan is dated
    last: str
    sessions: tuple[SessionView, ...]
    notes: tuple[str, ...]
    walking: str
    size: str  # "large" pictures when the week has room for them, else "small"


#: Millimetres of a page a week may fill (Letter's 279 mm, less margins), and what its
#: parts take: the heading and the warning box, a session's head and tick boxes, and a
#: row with a large or a small picture.
ROOM, FRAME, SESSION, ROW = 240.0, 72.0, 14.0, {"large": 29.0, "small": 21.0}


def picture_size(sessions: list[SessionView]) -> str:
    """Large pictures when the week still fits one page with them. Sessions stand two
    abreast, so each pair is as tall as its longer one."""
    pairs = [sessions[i : i + 2] for i in range(0, len(sessions), 2)]

    def height(size: str) -> float:
        return FRAME + sum(
            max(SESSION + 5 * len(s.days) + ROW[size] * len(s.rows) for s in pair)
            for pair in pairs
        )

    return "large" if height("large") <= ROOM else "small"


def render(result: Result, options: RenderOptions) -> str:
    return render_sheet(result, produced=options.produced, paper=options.paper)


def render_sheet(result: Result, produced: dt.datetime, paper: Optional[str] = None) -> str:
    if paper is not None and paper.lower() not in PAPER:
        raise ValueError(f"unknown paper {paper!r}: use one of {', '.join(PAPER)}")
    found = result.triage
    plan = result.plan
    page: dict[str, Any] = {
        "name": person_text(result.answers.name) if result.answers.name else "",
        "paper": PAPER[paper.lower()] if paper else None,
        "level": found.level,
        "action": found.action,
        "flags": [
            {
                "id": f.id,
                "title": f.title,
                "level_words": LEVEL_WORDS.get(f.level, f.level),
                "advice": f.advice,
            }
            for f in found.flags
        ],
        "withheld": result.withheld.reason if result.withheld is not None else "",
        "no_plan": NO_PLAN_UNTIL_SEEN,
        "summary": plan_summary(result.answers, len(plan.weeks)) if plan else "",
        "weeks": _weeks(plan) if plan else [],
        "total": len(plan.weeks) if plan else 0,
        "safety_net": result.safety_net,
        "disclaimer": DISCLAIMER,
        "produced": long_date(produced.date()),
    }
    return _environment().get_template(TEMPLATE).render(page=page)


def rest_words(item: Prescription) -> str:
    """The rest between sets, when the plan states one ("Rest 60 s between sets").

    Read defensively: the rest is part of version 3's result (`rest_seconds`), added
    to the plan's items on its own schedule; an item without one shows no rest."""
    seconds = getattr(item, "rest_seconds", None)
    if seconds is None:
        seconds = getattr(item.dose, "rest_seconds", None)
    if not seconds:
        return ""
    between = "between sets" if (item.dose.sets or 0) > 1 else "after it"
    return f"Rest {seconds} s {between}"


def _weeks(plan: Plan) -> list[WeekPage]:
    from markupsafe import Markup

    from recommender.render.figures import svg

    pages = []
    for week in plan.weeks:
        sessions = []
        for g, group in enumerate(week.session_groups()):
            rows = tuple(
                Row(
                    n,
                    p.exercise.name,
                    item_words(p),
                    rest_words(p),
                    how_hard(p),
                    # Drawn by our own code from checked numbers; its text is escaped there.
                    Markup(svg(p.exercise, position=p.position, key=f"w{week.number}s{g}")),
                )
                for n, p in enumerate(group[0].exercises, 1)
            )
            sessions.append(SessionView(tuple(_day(s) for s in group), group[0].minutes, rows))
        dates = [s.date for s in week.sessions if s.date is not None]
        pages.append(
            WeekPage(
                week.number,
                long_date(min(dates)) if dates else "",
                long_date(max(dates)) if dates else "",
                tuple(sessions),
                tuple(week.notes),
                walking_words(week.walking) if week.walking else "",
                picture_size(sessions),
            )
        )
    return pages
