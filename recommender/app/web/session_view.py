"""What a session page draws (templates/session*.html.j2): the day's exercises, each
with its moving figure, its steps, its amount and its timed steps, and the easier
version that suits the person (only one that passed their own filters); the warning
first and the safety net; and, at the end, what the person said, checked.

Built from the session core (pipeline/session.py), so that the page asks exactly what
the terminal's `backplan session` and the printed plan ask. The same view serves the
public app (a result from the answers in the cookie: `session_of_result`) and the
clinic (a tracked course: `pipeline.session.item_of_record` for its adapted week,
`warning_of_course` for its warning).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Optional

from markupsafe import Markup

from recommender.core.catalog import Exercise
from recommender.core.progress import pain_limit
from recommender.core.safety_net import SafetyNet
from recommender.core.typed import whole_number
from recommender.pipeline.course_warning import CourseWarning
from recommender.pipeline.recommend import Result
from recommender.pipeline.session import (
    Item,
    Step,
    easier_item,
    pick_session,
    session_items,
    summary_sentences,
)
from recommender.pipeline.triage import Triage
from recommender.render.figures import svg
from recommender.render.phrases import effort_words

#: Why a result without a plan has no session (its warning says what to do instead).
NO_PLAN = "There is no exercise plan, so there is no session to do: follow the advice above."


class ExerciseView(NamedTuple):
    """One exercise's screen."""

    id: str
    name: str
    where: str  # the position, in words
    amount: str  # the dose and the rest, in words
    effort: str  # "How hard: ...", or ""
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    figure: Markup  # inline SVG, moving and still (drawn by render/figures.py)
    timers: tuple[Step, ...]  # what to do now, step by step: timed or ended by the person
    easier: Optional[ExerciseView] = None  # only a version that passed the filters


class WarningView(NamedTuple):
    """The warning the page opens with: nothing at level `none`."""

    level: str
    line: Optional[str]
    why: tuple[str, ...]
    escalation: Optional[SafetyNet] = None


class SessionView(NamedTuple):
    """A session page. `context` is the source's own (the clinic's: whose course);
    `back` the page the session belongs to; `speed` runs the timers faster in tests."""

    week: int
    day: str
    minutes: int
    exercises: tuple[ExerciseView, ...]
    warning: WarningView
    net: Optional[SafetyNet]
    limit: int  # the highest pain an exercise may reach (5, or the usual pain when higher)
    back: str
    speed: float = 1.0
    no_session: str = ""  # why there is nothing to do, when there is not
    context: Any = None
    # The warning signs asked at the end, (name, question): the clinic's, where the end
    # is recorded as a check-in and a new one is re-screened; the public app asks none.
    symptoms: tuple[tuple[str, str], ...] = ()
    # Hidden fields of the end's form, (name, value), sent back in `Report.marks` (the
    # clinic's: which check-ins the course had when the page was drawn).
    marks: tuple[tuple[str, str], ...] = ()

    @property
    def heading(self) -> str:
        return (
            f"Week {self.week}, {self.day.capitalize()}: {len(self.exercises)} exercises, "
            f"about {self.minutes} minutes"
        )

    @property
    def action(self) -> str:
        """Where the end's form goes: this page's own address (its week and day only)."""
        return f"?week={self.week}&day={self.day}"


class Report(NamedTuple):
    """What the person said at the end, checked against the session: exercises by the
    plan's ids (an easier version chosen stands under the plan's exercise it replaced)."""

    done: tuple[str, ...]
    easier: tuple[str, ...]
    hurt: tuple[str, ...]
    exercise_pain: Optional[int]
    stopped: bool
    new_flags: tuple[str, ...] = ()  # the warning signs ticked, of the view's `symptoms`
    marks: tuple[tuple[str, str], ...] = ()  # the view's `marks` as sent back


class BadReport(ValueError):
    """A form that no page of ours sends; the message names the field."""


# -- building a view ------------------------------------------------------------------


def exercise_view(item: Item, key: str, easier: Optional[ExerciseView] = None) -> ExerciseView:
    """`key` keeps the figure's ids unique on the page."""
    exercise = item.exercise
    figure = svg(exercise, position=item.position, motion=True, key=key)
    return ExerciseView(
        exercise.id,
        exercise.name,
        item.where,
        item.amount,
        effort_words(item.dose),
        tuple(exercise.steps),
        tuple(exercise.cautions),
        # Drawn by our own code from checked numbers; every text in it is escaped there.
        Markup(figure),
        item.steps,
        easier,
    )


def exercise_views(
    items: Sequence[Item], catalog: Mapping[str, Exercise], allowed: Callable[[str], bool]
) -> tuple[ExerciseView, ...]:
    """Each exercise with its easier version, where one passed the person's filters."""
    views = []
    for number, item in enumerate(items, 1):
        variant = easier_item(item, catalog, allowed)
        easier = exercise_view(variant, f"e{number}") if variant is not None else None
        views.append(exercise_view(item, f"s{number}", easier))
    return tuple(views)


def warning_of_triage(triage: Triage) -> WarningView:
    if triage.level == "none":
        return WarningView("none", None, ())
    why = tuple(f"{flag.title}: {flag.advice}" for flag in triage.shown_flags)
    return WarningView(triage.level, f"{triage.action}.", why, triage.escalation)


def warning_of_course(warning: CourseWarning) -> WarningView:
    """A tracked course's warning (pipeline/course_warning.py), for the clinic."""
    return WarningView(warning.level, warning.line, warning.why, warning.escalation)


def week_of_today(start: Optional[dt.date], today: dt.date, weeks: int) -> int:
    """The plan week `today` falls in when the plan is dated, else the first."""
    if start is None or today < start:
        return 1
    return min((today - start).days // 7 + 1, max(weeks, 1))


class When(NamedTuple):
    """Which session: week and day as asked (None: this week's, today's), and today."""

    week: Optional[int]
    day: Optional[str]
    today: dt.date


def session_of_result(
    result: Result,
    catalog: Mapping[str, Exercise],
    when: When,
    back: str,
    speed: float = 1.0,
) -> SessionView:
    """The session of `result`'s plan that `when` names (NoSession for one it lacks),
    or, without a plan, the page of its warning alone."""
    warning = warning_of_triage(result.triage)
    limit = pain_limit(result.answers.pain_intensity)
    plan = result.plan
    if plan is None:
        week, day = when.week or 1, when.day or ""
        return SessionView(week, day, 0, (), warning, None, limit, back, speed, NO_PLAN)
    week = when.week or week_of_today(result.answers.start_date, when.today, len(plan.weeks))
    session = pick_session(plan, week, when.day, when.today)
    left_out = {e.exercise for e in result.excluded}
    views = exercise_views(
        session_items(session), catalog, lambda exercise_id: exercise_id not in left_out
    )
    return SessionView(
        week, session.day, session.minutes, views, warning, result.safety_net, limit, back, speed
    )


# -- the end -------------------------------------------------------------------------------


def report_of(fields: Mapping[str, Sequence[str]], view: SessionView) -> Report:
    """The end's form, checked: every exercise one of the session's and every symptom
    one the page asked (BadReport naming the field otherwise), the pain a whole number
    from 0 to 10 or left out."""
    ids = [exercise.id for exercise in view.exercises]
    has_easier = {exercise.id for exercise in view.exercises if exercise.easier}
    chosen = {name: _exercises(fields, name, ids) for name in ("done", "easier", "hurt")}
    if not set(chosen["easier"]) <= has_easier:
        raise BadReport("easier")
    pain_text = (fields.get("exercise_pain") or [""])[0].strip()
    pain = whole_number(pain_text) if pain_text else None
    if pain_text and (pain is None or pain > 10):
        raise BadReport("exercise_pain")
    stopped = (fields.get("stopped") or [""])[0] == "yes"
    asked = [name for name, _ in view.symptoms]
    new_flags = _exercises(fields, "symptom", asked)
    marks = tuple((name, (fields.get(name) or [""])[0][:40]) for name, _ in view.marks)
    return Report(chosen["done"], chosen["easier"], chosen["hurt"], pain, stopped, new_flags, marks)


def _exercises(fields: Mapping[str, Sequence[str]], name: str, ids: list[str]) -> tuple[str, ...]:
    """The values ticked under `name`, each one of `ids`, in their order."""
    given = fields.get(name) or ()
    if any(value not in ids for value in given):
        raise BadReport(name)
    return tuple(exercise for exercise in ids if exercise in given)  # in the session's order


def summary(view: SessionView, report: Report) -> list[str]:
    """What was done, in the terminal session's own words."""
    names = {}
    for exercise in view.exercises:
        swapped = exercise.easier is not None and exercise.id in report.easier
        names[exercise.id] = exercise.easier.name if swapped and exercise.easier else exercise.name
    skipped = [e.id for e in view.exercises if e.id not in report.done]
    return summary_sentences(
        names,
        (len(report.done), len(view.exercises), report.stopped),
        skipped,
        report.hurt,
        (report.exercise_pain, view.limit),
    )
