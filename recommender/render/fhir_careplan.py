"""A result as a FHIR R4 CarePlan, with the red flags as contained DetectedIssues."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, Optional

from recommender.core.catalog import Dose, Exercise
from recommender.core.wording import WEEKDAYS, words
from recommender.inputs.fhir_codes import (
    EXERCISE_SYSTEM,
    RULE_SYSTEM,
    one_line,
)
from recommender.pipeline.plan import Plan
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL, Flag
from recommender.render import RenderOptions, to_json
from recommender.render.phrases import (
    FOLLOW_THE_PLAN,
    NO_PLAN_UNTIL_SEEN,
    amount_words,
    plan_summary,
)

# -- Result -> CarePlan ---------------------------------------------------------------

_SEVERITY = {"emergency": "high", "urgent": "high", "soon": "moderate"}
_DAY_CODES = {
    "monday": "mon",
    "tuesday": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}
_UCUM = "http://unitsofmeasure.org"
NO_NAME = "The person who answered the questionnaire"


def render(result: Result, options: RenderOptions) -> str:
    return to_json(care_plan(result, produced=options.produced))


def care_plan(result: Result, produced: dt.datetime) -> dict[str, Any]:
    """The result as an R4 CarePlan.

    With a plan: status active, one activity per exercise (in order of first use) with
    its days, weekly frequency and doses. Without one (urgent or emergency triage, or a
    WH rule): status on-hold, no activities, and a note saying why. Every red flag that
    fired is a contained DetectedIssue, listed in supportingInfo, and the triage level
    with what to do comes first among the notes, so no reader of the CarePlan can miss
    it.
    """
    answers = result.answers
    subject = {"display": answers.name or NO_NAME}
    plan = result.plan
    found = result.triage
    issues = [
        _detected_issue(flag, subject, produced, flag in found.shown_flags) for flag in found.flags
    ]
    resource: dict[str, Any] = {"resourceType": "CarePlan"}
    if issues:
        resource["contained"] = issues
    resource["status"] = "active" if plan is not None else "on-hold"
    resource["intent"] = "plan"
    resource["title"] = "Home exercise plan for neck and back pain"
    resource["description"] = _description(result)
    resource["subject"] = subject
    if plan is not None and answers.start_date is not None:
        last = answers.start_date + dt.timedelta(days=7 * len(plan.weeks) - 1)
        resource["period"] = {"start": answers.start_date.isoformat(), "end": last.isoformat()}
    resource["created"] = _datetime(produced)
    if issues:
        resource["supportingInfo"] = [
            {"reference": f"#{issue['id']}", "display": issue["code"]["text"]} for issue in issues
        ]
    if plan is not None:
        resource["activity"] = [_activity(plan, exercise) for exercise in plan.exercises()]
    resource["note"] = [{"text": text} for text in _notes(result)]
    return resource


def _description(result: Result) -> str:
    answers = result.answers
    plan = result.plan

    areas = ", ".join(words(a) for a in answers.pain_areas)
    if plan is None:
        return f"No exercise plan for now (pain: {areas}); see the notes for why and what to do."
    return f"{plan_summary(answers, len(plan.weeks))}, for pain in the {areas}. {FOLLOW_THE_PLAN}"


def _datetime(moment: dt.datetime) -> str:
    # A FHIR dateTime with a time must carry a time zone; without one, the date alone.
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.isoformat()


def _detected_issue(
    flag: Flag, subject: dict[str, Any], produced: dt.datetime, shown: bool
) -> dict[str, Any]:
    """One red flag as a DetectedIssue: what was found, how serious, and what to do.

    A lower flag on an urgent or emergency result (not `shown`) keeps no advice of its
    own: the result says one thing about when to act (docs/rules.md, "Triage levels")."""
    advice = flag.advice if shown else "To be raised at the same visit."
    return {
        "resourceType": "DetectedIssue",
        "id": flag.id,  # rule ids (RF-CES-SADDLE) are valid FHIR ids
        "identifier": [{"system": RULE_SYSTEM, "value": flag.id}],
        "status": "final",
        "code": {
            "coding": [{"system": RULE_SYSTEM, "code": flag.id, "display": flag.title}],
            "text": flag.title,
        },
        "severity": _SEVERITY[flag.level],
        "patient": subject,
        "identifiedDateTime": _datetime(produced),
        "detail": f"{advice} (Level: {flag.level}. Possible cause: {flag.suspected}. "
        f"Source: {flag.source}.)",
    }


def _notes(result: Result) -> list[str]:
    found = result.triage
    if found.flags:
        signs = "; ".join(f"{flag.title} [{flag.id}]" for flag in found.shown_flags)
        lines = [f"Triage: {found.level}. {found.action}. Warning signs: {signs}."]
        if found.also_tell:
            lines.append(f"{ALSO_TELL} {'; '.join(found.also_tell)}.")
        if found.escalation is not None:
            lines += [f"Before being seen: {s}" for s in found.escalation.sentences()]
    else:
        lines = [f"Triage: none. {found.action}."]
    if result.plan is None:
        if result.withheld is not None:
            withheld = result.withheld
            lines.append(f"No exercise plan is given [{withheld.id}]: {withheld.reason}")
        else:
            lines.append(NO_PLAN_UNTIL_SEEN)
    lines += [f"{note.title}: {note.text}" for note in result.notes]
    if result.safety_net is not None:
        lines += [f"Safety net: {sentence}" for sentence in result.safety_net.sentences()]
    return lines


class _Use(NamedTuple):
    """One day an exercise is done, and its dose that day."""

    week: int
    day: str
    date: Optional[dt.date]
    dose: Dose
    rest_seconds: int = 0


def _uses(plan: Plan, exercise_id: str) -> list[_Use]:
    """Every day of the plan that holds the exercise, walking between sessions included."""
    uses = []
    for week in plan.weeks:
        for session in week.sessions:
            for p in session.exercises:
                if p.exercise.id == exercise_id:
                    uses.append(
                        _Use(week.number, session.day, session.date, p.dose, p.rest_seconds)
                    )
        walking = week.walking
        if walking is not None and walking.prescription.exercise.id == exercise_id:
            # The week starts on its first session's day: walking falls within it.
            first = week.sessions[0].date
            for day in walking.days:
                date = None
                if first is not None:
                    date = first + dt.timedelta(days=(WEEKDAYS.index(day) - first.weekday()) % 7)
                uses.append(_Use(week.number, day, date, walking.prescription.dose))
    return uses


def _activity(plan: Plan, exercise: Exercise) -> dict[str, Any]:
    """One exercise as a CarePlan activity: what, on which days, how often, how much."""
    uses = _uses(plan, exercise.id)
    weeks = sorted({use.week for use in uses})
    per_week = max(sum(1 for use in uses if use.week == number) for number in weeks)
    days = {use.day for use in uses}
    repeat: dict[str, Any] = {}
    dates = [use.date for use in uses if use.date is not None]
    if dates:
        repeat["boundsPeriod"] = {"start": min(dates).isoformat(), "end": max(dates).isoformat()}
    else:
        repeat["boundsDuration"] = {
            "value": len(weeks),
            "unit": "wk",
            "system": _UCUM,
            "code": "wk",
        }
    repeat["frequency"] = per_week
    repeat["period"] = 1
    repeat["periodUnit"] = "wk"
    repeat["dayOfWeek"] = [code for day, code in _DAY_CODES.items() if day in days]
    doses: dict[int, tuple[Dose, int]] = {}
    for use in uses:
        doses.setdefault(use.week, (use.dose, use.rest_seconds))
    return {
        "detail": {
            "code": {
                "coding": [
                    {"system": EXERCISE_SYSTEM, "code": exercise.id, "display": exercise.name}
                ],
                "text": exercise.name,
            },
            "status": "scheduled",
            "scheduledTiming": {"repeat": repeat},
            "description": _how(exercise, sorted(doses.items())),
        }
    }


def _how(exercise: Exercise, doses: list[tuple[int, tuple[Dose, int]]]) -> str:
    (first, (start, start_rest)), (last, (end, end_rest)) = doses[0], doses[-1]
    if start == end:
        span = f"Week {first}" if first == last else f"Weeks {first} to {last}"
        amount = f"{span}: {amount_words(start, start_rest)}."
    else:
        amount = (
            f"Week {first}: {amount_words(start, start_rest)}; "
            f"week {last}: {amount_words(end, end_rest)}."
        )
    if start.effort:
        amount += f" How hard: {start.effort}."
    steps = " ".join(f"{n}. {one_line(step)}" for n, step in enumerate(exercise.steps, 1))
    cautions = " ".join(f"Take care: {one_line(c)}" for c in exercise.cautions)
    return f"{amount}\nSteps: {steps}\n{cautions}"
