"""What a result under review shows, and reading the release form.

The page (templates/clinic/review.html.j2) draws the values built here: the answers in
plain words (the questionnaire's own review wording), every flag with its level,
advice and source, the plan's exercises with their amounts and what each may be
swapped for, `backplan explain`'s reasons (the rules that fired, why each exercise is
in the plan, every exercise left out and by which rule), and the decisions so far.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from fastapi import Request
from fastapi.responses import Response

from recommender.app.web import pages
from recommender.app.web.models import FieldsForm
from recommender.app.web.site import Site, country_name, page
from recommender.clinic import edits, queue, review
from recommender.clinic.accounts import by_id_in
from recommender.core.errors import AnswersError
from recommender.core.typed import whole_number
from recommender.core.wording import dose_words, words
from recommender.inputs.countries import emergency_number
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import triage_flag
from recommender.render import now
from recommender.render.html import long_date, page_values

STATUS_WORDS = {
    "emergency": "Emergency: shown to the patient at once",
    "urgent": "Urgent: shown to the patient at once",
    "waiting": "Waiting for you to check the plan",
    "released": "Plan released",
    "withheld": "Plan withheld, with a message",
    "closed": "Closed, with a message",
}
LEVEL_WORDS = {
    "emergency": "Emergency",
    "urgent": "Urgent",
    "soon": "See a clinician soon",
    "none": "No warning signs",
}


class FormProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def queue_row(submission: queue.Submission) -> dict[str, Any]:
    return {
        "id": submission.id,
        "name": submission.person_name,
        "level": submission.level,
        "level_words": LEVEL_WORDS.get(submission.level, submission.level),
        "status": submission.status,
        "status_words": STATUS_WORDS.get(submission.status, submission.status),
        "sent": submission.submitted_at,
        "complete": submission.complete,
    }


def _result(site: Site, submission: queue.Submission) -> Optional[Result]:
    if not submission.complete:
        return None
    try:
        return review.result_of(site.recommender, submission)
    except AnswersError:
        return None


def _flags(site: Site, submission: queue.Submission, result: Optional[Result]) -> list[Any]:
    if result is not None:
        return list(result.triage.flags)
    country = submission.answers.get("country")
    number = emergency_number(country) if isinstance(country, str) else None
    return [triage_flag(r, number) for r in site.emergency_rules if r.id in submission.flags]


def _answers(site: Site, answers: dict[str, Any]) -> list[Any]:
    return [
        (s, [(q.full_text(), pages.review_words(q, answers)) for q in s.questions])
        for s in site.sections
    ]


def _plan_rows(site: Site, result: Result, sent: Optional[FieldsForm]) -> list[dict[str, Any]]:
    assert result.plan is not None
    choices = edits.swap_choices(site.recommender, result)
    rows = []
    for prescription in result.plan.prescriptions():
        exercise = prescription.exercise
        rule = edits.dose_rule(exercise)
        amounts = [
            {
                "field": name,
                "words": edits.WORDS[name],
                "value": sent.one(f"{name}-{exercise.id}", 10)
                if sent
                else getattr(prescription.dose, name),
                "low": allowed.low,
                "high": allowed.high,
            }
            for name, allowed in rule.ranges.items()
        ]
        rows.append(
            {
                "id": exercise.id,
                "name": exercise.name,
                "kind": exercise.kind,
                "position": words(prescription.position),
                "dose": dose_words(prescription.dose),
                "amounts": amounts,
                "range": f"{rule.rule} ({rule.source})",
                "swappable": exercise.kind != "aerobic",
                "choices": [(e.id, f"{e.name} ({e.kind}, level {e.level})") for e in choices],
                "swap": sent.one(f"swap-{exercise.id}", 80) if sent else "",
            }
        )
    return rows


def _decisions(site: Site, submission: queue.Submission) -> list[dict[str, Any]]:
    assert site.clinic is not None

    def read(connection: Any) -> list[dict[str, Any]]:
        found = []
        for decision in review.decisions_of(connection, submission.id):
            who = by_id_in(connection, decision.clinician_id)
            found.append({**decision._asdict(), "who": who.email if who else "a former clinician"})
        return found

    found: list[dict[str, Any]] = site.clinic.read(read)
    return found


def render(
    request: Request,
    site: Site,
    submission: queue.Submission,
    sent: Optional[FieldsForm] = None,
    problem: str = "",
    status: int = 200,
) -> Response:
    result = _result(site, submission)
    has_plan = result is not None and result.plan is not None
    return page(
        request,
        "clinic/review.html.j2",
        status=status,
        title=f"Result {submission.id}: {submission.person_name}"
        if not problem
        else f"Please check: result {submission.id}",
        item=queue_row(submission),
        person_id=submission.person_id,
        country=country_name(submission.answers.get("country")),
        flags=_flags(site, submission, result),
        answers=_answers(site, submission.answers),
        result=result,
        level_action=result.triage.action if result else None,
        plan=_plan_rows(site, result, sent) if has_plan and result else [],
        decisions=_decisions(site, submission),
        problem=problem,
        is_open=submission.status in queue.OPEN,
        can_release=submission.status == "waiting" and has_plan,
        levels=[(level, LEVEL_WORDS[level]) for level in review.LEVELS],
        start=(sent.one("start", 20) if sent else "") or now().date().isoformat(),
        note=sent.one("note") if sent else "",
        message=sent.one("message") if sent else "",
        psfs=[
            (sent.one(f"psfs{i}-name", 80), sent.one(f"psfs{i}-score", 5)) if sent else ("", "")
            for i in range(3)
        ],
        long_date=long_date,
    )


def patient_view(request: Request, site: Site, submission: queue.Submission) -> Response:
    """The plan page as the patient sees it (or will, if released as it is)."""
    assert site.clinic is not None
    result = _result(site, submission)
    if result is None:
        return page(
            request,
            "problem.html.j2",
            status=404,
            title="These answers were not finished",
            lines=["The questions stopped for an emergency: there is no plan to show."],
        )
    decision = review.released(site.clinic.read(lambda c: review.decisions_of(c, submission.id)))
    note = None
    if decision is not None:
        result = review.result_of(site.recommender, submission, decision.start_date, decision.edits)
        note = decision.note
    values = page_values(result, now())
    return page(
        request,
        "clinic/result.html.j2",
        title=f"The plan of result {submission.id}",
        page=values,
        has_plan=result.plan is not None,
        start_value="",
        ics_error=None,
        today="",
        changed=None,
        note=note,
        downloads=False,
    )


# -- the release form -------------------------------------------------------------------


def release_asked(site: Site, submission: queue.Submission, sent: FieldsForm) -> review.Release:
    """What the release form asks for: FormProblem for what cannot be read."""
    result = _result(site, submission)
    if result is None or result.plan is None:
        raise FormProblem("This result has no plan to release.")
    start = pages.as_date(sent.one("start", 20))
    today = now().date()
    if start is None or not today - dt.timedelta(days=28) <= start <= today + dt.timedelta(days=28):
        raise FormProblem("Give the first day of week 1 as a date within four weeks of today.")
    return review.Release(
        edits=tuple(_edits(result, sent)),
        note=sent.one("note"),
        start=start,
        psfs=_psfs(sent),
    )


def _edits(result: Result, sent: FieldsForm) -> list[dict[str, Any]]:
    assert result.plan is not None
    doses: list[dict[str, Any]] = []
    swaps: list[dict[str, Any]] = []
    for prescription in result.plan.prescriptions():
        exercise = prescription.exercise
        other = sent.one(f"swap-{exercise.id}", 80)
        if other:
            swaps.append({"op": "swap", "exercise": exercise.id, "with": other})
            continue
        changed: dict[str, Any] = {}
        for name in edits.dose_rule(exercise).ranges:
            typed = sent.one(f"{name}-{exercise.id}", 10).strip()
            if not typed:
                continue
            value = whole_number(typed)
            if value is None:
                raise FormProblem(
                    f"Enter a whole number for the {edits.WORDS[name]} of {exercise.name}."
                )
            if value != getattr(prescription.dose, name):
                changed[name] = value
        if changed:
            doses.append({"op": "dose", "exercise": exercise.id, **changed})
    return doses + swaps


def _psfs(sent: FieldsForm) -> tuple[tuple[str, int], ...]:
    given = []
    for index in range(3):
        name = " ".join(sent.one(f"psfs{index}-name", 80).split())
        score = whole_number(sent.one(f"psfs{index}-score", 5).strip())
        if name or sent.one(f"psfs{index}-score", 5).strip():
            if not name or score is None or score > 10 or not name.isprintable():
                raise FormProblem("Give each activity of the PSFS a name and a score from 0 to 10.")
            given.append((name, score))
    if given and len(given) != 3:
        raise FormProblem("Give three activities for the PSFS, or none.")
    return tuple(given)
