"""`track report --format fhir`: the course as FHIR R4 Observations in a Bundle.

The usual pain of each week (and at the start) is an NPRS Observation, LOINC 72514-3
"Pain severity - 0-10 verbal numeric rating [Score] - Reported". The worst pain during
exercise, the sessions done and the PSFS scores have no LOINC code of their own here,
so they carry backplan's code and their meaning in `code.text`.

The course's warning travels with them, first in the Bundle: its level line (when not
`none`) and the safety net (with the emergency number) as active Flags about the
person, so that a record that imports the Bundle shows them too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from recommender.pipeline.adapt import Progress, Review
from recommender.pipeline.course_warning import CourseWarning

LOINC = "http://loinc.org"
NPRS = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
MEASURE_SYSTEM = "urn:backplan:CodeSystem:tracking"
_SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}


def _observation(
    key: str, code: dict[str, Any], value: int, when: dt.date, note: Optional[str] = None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": key,
        "status": "final",
        "category": [_SURVEY],
        "code": code,
        "effectiveDateTime": when.isoformat(),
        "valueInteger": value,
    }
    if note:
        resource["note"] = [{"text": note}]
    return {"fullUrl": f"urn:uuid:{_uuid(key)}", "resource": resource}


def _uuid(key: str) -> str:
    # lazy: uuid is loaded only by the commands that use it
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:backplan:{key}"))


def _own(code: str, text: str) -> dict[str, Any]:
    return {"coding": [{"system": MEASURE_SYSTEM, "code": code, "display": text}], "text": text}


def _day(progress: Progress, review: Review) -> dt.date:
    """The last day of the tracked week (its review day); the calendar's last day for a
    week that would end after it (a course begun late in the year 9999)."""
    block = next(b.block for b in progress.blocks if b.block.number == review.block)
    days = (dt.date.max - block.start).days
    return block.start + dt.timedelta(days=min(7 * review.week - 1, days))


def _flag(key: str, text: str, subject: dict[str, Any], since: dt.date) -> dict[str, Any]:
    resource = {
        "resourceType": "Flag",
        "id": key,
        "status": "active",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                        "code": "clinical",
                        "display": "Clinical",
                    }
                ]
            }
        ],
        "code": {"text": text},
        "subject": subject,
        "period": {"start": since.isoformat()},
    }
    return {"fullUrl": f"urn:uuid:{_uuid(key)}", "resource": resource}


def report_bundle(progress: Progress, warning: CourseWarning) -> dict[str, Any]:
    course = progress.course
    subject = {"display": course.person.name}
    since = course.block.start
    entries = []
    if warning.line is not None:
        why = f" Why: {'; '.join(warning.why)}." if warning.why else ""
        entries.append(_flag(f"course-{course.id}-level", warning.line + why, subject, since))
    for name, box in (("escalation", warning.escalation), ("safety-net", warning.net)):
        if box is not None:
            text = " ".join(box.sentences())
            entries.append(_flag(f"course-{course.id}-{name}", text, subject, since))
    entries += [
        _observation(
            f"course-{course.id}-nprs-start",
            {"coding": [NPRS], "text": "Usual pain (NPRS 0-10)"},
            int(course.answers.get("pain_intensity", 0)),
            course.start,
            "At the start of the course",
        )
    ]
    for index, (name, first) in enumerate(course.psfs):
        entries.append(
            _observation(
                f"course-{course.id}-psfs{index + 1}-start",
                _own("psfs", f"Patient-Specific Functional Scale: {name}"),
                first,
                course.start,
            )
        )
    for review in progress.reviews:
        s, when, key = (
            review.summary,
            _day(progress, review),
            f"course-{course.id}-block{review.block}-week{review.week}",
        )
        decision = f"Week {s.week}; decision: {review.outcome.replace('_', ' ')}" + (
            f" ({review.deciding.id})" if review.deciding else ""
        )
        if s.usual_pain is not None:
            entries.append(
                _observation(
                    f"{key}-nprs",
                    {"coding": [NPRS], "text": "Usual pain (NPRS 0-10)"},
                    s.usual_pain,
                    when,
                    decision,
                )
            )
        if s.exercise_pain is not None:
            entries.append(
                _observation(
                    f"{key}-exercise-pain",
                    _own("exercise-pain-max", "Highest pain during exercise (0-10)"),
                    s.exercise_pain,
                    when,
                )
            )
        entries.append(
            _observation(
                f"{key}-sessions",
                _own("sessions-done", f"Exercise sessions done (of {s.planned} planned)"),
                s.done,
                when,
            )
        )
        for index, score in enumerate(s.psfs or ()):
            name = course.psfs[index][0] if index < len(course.psfs) else f"activity {index + 1}"
            entries.append(
                _observation(
                    f"{key}-psfs{index + 1}",
                    _own("psfs", f"Patient-Specific Functional Scale: {name}"),
                    score,
                    when,
                )
            )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
