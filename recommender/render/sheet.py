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

from recommender.core.wording import rest_words
from recommender.pipeline.plan import Plan, Prescription
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL
from recommender.render import RenderOptions
from recommender.render.figures import svg
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
    columns: int  # sessions side by side
    net_span: int  # columns the warning box takes beside the last sessions, or 0


#: Millimetres of a page a week may fill (Letter's 279 mm, less margins), and what its
#: parts take: the heading and the warning box, a session's head, a tick box, a row with
#: a large or a small picture, and a line of the effort cue beside it.
ROOM, FRAME, HEAD, TICK, ROW, CUE = 245.0, 62.0, 9.0, 5.5, {"large": 28.0, "small": 16.0}, 3.6


def columns(sessions: list[SessionView]) -> int:
    """Sessions stand side by side: up to three abreast, four as two pairs (three
    columns would wrap their words into a taller page)."""
    count = max(len(sessions), 1)
    return 2 if count == 4 else min(count, 3)


def net_span(sessions: list[SessionView]) -> int:
    """The columns the warning box can take beside the last sessions (0: it goes below
    them, across the page)."""
    across = columns(sessions)
    left = len(sessions) % across
    return across - left if left else 0


def picture_size(sessions: list[SessionView]) -> str:
    """Large pictures when the week still fits one page with them (each row of
    sessions is as tall as its longest session), and always with three abreast."""
    across = columns(sessions)
    if across == 3:
        return "small"
    rows = [sessions[i : i + across] for i in range(0, len(sessions), across)]

    def session(s: SessionView) -> float:
        cue = sum(CUE * (3 if r.effort else 0) for r in s.rows)
        return HEAD + TICK * len(s.days) + ROW["large"] * len(s.rows) + cue

    beside = 30.0 if net_span(sessions) else 0.0  # the box sits beside, not below
    height = FRAME - beside + sum(max(session(s) for s in row) for row in rows)
    return "large" if height <= ROOM else "small"


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
            for f in found.shown_flags
        ],
        "also_tell": found.also_tell,
        "also_tell_heading": ALSO_TELL,
        "escalation": found.escalation,
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


def rest_cell(item: Prescription) -> str:
    """The rest column: the plan's rest in the words of every other format, or
    nothing where there is none."""
    words = rest_words(item.rest_seconds, item.dose)
    return words[:1].upper() + words[1:]


def _weeks(plan: Plan) -> list[WeekPage]:
    # lazy: MarkupSafe is loaded only by the commands that use it
    from markupsafe import Markup

    pages = []
    for week in plan.weeks:
        sessions = []
        for g, group in enumerate(week.session_groups()):
            rows = tuple(
                Row(
                    n,
                    p.exercise.name,
                    item_words(p),
                    rest_cell(p),
                    how_hard(p),
                    # Drawn by our own code from checked numbers; its text is escaped there.
                    Markup(svg(p.exercise, position=p.position, key=f"w{week.number}s{g}n{n}")),
                )
                for n, p in enumerate(group[0].exercises, 1)
            )
            sessions.append(SessionView(tuple(_day(s) for s in group), group[0].minutes, rows))
        size = picture_size(sessions)
        if size == "small":
            sessions = _pictured_once(sessions)
        dates = [s.date for s in week.sessions if s.date is not None]
        pages.append(
            WeekPage(
                week.number,
                long_date(min(dates)) if dates else "",
                long_date(max(dates)) if dates else "",
                tuple(sessions),
                tuple(week.notes),
                walking_words(week.walking) if week.walking else "",
                size,
                columns(sessions),
                net_span(sessions),
            )
        )
    return pages


def _pictured_once(sessions: list[SessionView]) -> list[SessionView]:
    """A crowded week shows each exercise's picture once, where the page first names
    it: a week fits its page before a picture is repeated."""
    seen: set[str] = set()
    out = []
    for session in sessions:
        rows = []
        for row in session.rows:
            rows.append(row._replace(figure="") if row.name in seen else row)
            seen.add(row.name)
        out.append(session._replace(rows=tuple(rows)))
    return out
