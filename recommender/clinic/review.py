"""What a clinician decides about a result, and the record of it.

- release: the plan as backplan made it, or with the clinician's edits (edits.py) and a
  note; the patient's tracked course starts with it, so that check-ins follow the plan
  the clinician released;
- withhold: no plan, with a message to the patient;
- close: an emergency or urgent result acted on, with a message to the patient;
- triage: the clinician's own level for the result, so that backplan's triage can be
  audited against it (the agreement table).

Every decision is a row of its own (nothing is overwritten) and an audit entry, in the
same transaction; a result is decided once (two clinicians at once: the second is
told it was decided already).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Optional

from sqlalchemy import select
from sqlalchemy.engine import Connection

from recommender import __version__
from recommender.clinic import audit, edits, queue
from recommender.clinic.accounts import Account
from recommender.clinic.db import ClinicDB, inserted_id, now
from recommender.core.errors import BackplanError
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.fingerprint import rules_fingerprint
from recommender.inputs.result_record import read_result
from recommender.pipeline.adapt import session_days
from recommender.pipeline.choices import safe_exercises
from recommender.pipeline.recommend import Recommender, Result
from recommender.store.courses import NewBlock, insert_course
from recommender.store.schema import decisions, submissions

LEVELS = ("none", "soon", "urgent", "emergency")
NOTE_MAX = 2000


class DecisionError(BackplanError):
    """A decision that cannot be made as asked (already decided, no plan, ...)."""


class Decision(NamedTuple):
    id: int
    submission_id: int
    clinician_id: int
    at: dt.datetime
    action: str
    clinician_level: Optional[str]
    edits: tuple[dict[str, Any], ...]
    note: Optional[str]
    message: Optional[str]
    start_date: Optional[dt.date]


def decisions_of(connection: Connection, submission_id: int) -> list[Decision]:
    rows = connection.execute(
        select(decisions).where(decisions.c.submission_id == submission_id).order_by(decisions.c.id)
    ).all()
    return [
        Decision(
            r.id,
            r.submission_id,
            r.clinician_id,
            r.at,
            r.action,
            r.clinician_level,
            tuple(r.edits or ()),
            r.note,
            r.message,
            r.start_date,
        )
        for r in rows
    ]


def released(found: Sequence[Decision]) -> Optional[Decision]:
    return next((d for d in found if d.action == "released"), None)


# -- the result a decision is about -------------------------------------------------------


def result_of(
    recommender: Recommender,
    submission: queue.Submission,
    start: Optional[dt.date] = None,
    changes: Sequence[Mapping[str, Any]] = (),
) -> Result:
    """The result of complete answers as backplan gives it (the same answers, rules and
    weeks give the same result), dated from `start`, with the clinician's edits."""
    answers = validate_answers(submission.answers, "the answers sent")
    if start is not None:
        answers = dataclasses.replace(answers, start_date=start)
    result = recommender.recommend(answers, weeks=submission.weeks)
    return edits.apply(recommender, result, changes)


# -- deciding -------------------------------------------------------------------------


def release(
    db: ClinicDB,
    recommender: Recommender,
    actor: audit.Actor,
    submission_id: int,
    release: Release,
) -> int:
    """Release the plan (edited, with a note), and start the patient's course with it,
    in one transaction: the decision's id. EditRefused for an edit the rules refuse."""
    clinician = actor.account
    assert clinician is not None
    submission = db.read(lambda c: _open_for(c, submission_id, ("waiting",)))
    if not submission.complete:
        raise DecisionError("These answers were not finished: there is no plan to release.")
    result = result_of(recommender, submission, release.start, release.edits)
    if result.plan is None:
        raise DecisionError("This result has no plan: withhold it with a message instead.")
    block = _first_block(recommender, result, release.start, submission.weeks)
    versions = (__version__, rules_fingerprint())

    def write(connection: Connection) -> int:
        _claim(connection, submission_id, ("waiting",), "released")
        course = insert_course(
            connection,
            submission.person_id,
            result.answers.fact(),
            result.to_dict(),
            release.psfs,
            versions,
            block,
        )
        queue.set_status(connection, submission_id, "released", course)
        decision = _decide(
            connection,
            clinician,
            submission_id,
            "released",
            edits=[dict(e) for e in release.edits],
            note=clean_text(release.note),
            start_date=release.start,
        )
        changed = f" with {len(release.edits)} edit(s)" if release.edits else ""
        audit.record(
            connection,
            actor,
            "released",
            f"result {submission_id} released{changed}; course {course} started",
            submission.person_id,
        )
        return decision

    made: int = db.write(write)
    return made


class Release(NamedTuple):
    """What a clinician releases: the edits in order, a note for the patient, the plan's
    first day, and the PSFS activities with their scores (optional)."""

    edits: tuple[Mapping[str, Any], ...]
    note: str
    start: dt.date
    psfs: tuple[tuple[str, int], ...] = ()


def _first_block(recommender: Recommender, result: Result, start: dt.date, weeks: int) -> NewBlock:
    record = read_result(result.to_dict())
    assert record.plan is not None
    safe = safe_exercises(recommender, result.answers, result.triage.level)
    return NewBlock(
        start=start,
        weeks=weeks,
        start_pain=result.answers.pain_intensity,
        level=result.triage.level,
        session_days=session_days(record.plan),
        safe={s.id: [s.name, s.position] for s in safe},
    )


def withhold(db: ClinicDB, actor: audit.Actor, submission_id: int, message: str) -> int:
    """No plan for this result, with a message to the patient (a waiting result); or an
    emergency or urgent one closed once it was acted on."""
    clinician = actor.account
    assert clinician is not None
    text = clean_text(message)
    if text is None:
        raise DecisionError("Write the message the patient will see.")

    def write(connection: Connection) -> int:
        found = _open_for(connection, submission_id, queue.OPEN)
        action = "withheld" if found.status == "waiting" else "closed"
        _claim(connection, submission_id, queue.OPEN, action)
        queue.set_status(connection, submission_id, action)
        decision = _decide(connection, clinician, submission_id, action, message=text)
        audit.record(connection, actor, action, f"result {submission_id} {action}", found.person_id)
        return decision

    made: int = db.write(write)
    return made


def record_triage(db: ClinicDB, actor: audit.Actor, submission_id: int, level: str) -> int:
    """The clinician's own triage level for a result (at any time, as often as they
    change their mind: the latest counts)."""
    clinician = actor.account
    assert clinician is not None
    if level not in LEVELS:
        raise DecisionError("Choose one of the four levels.")

    def write(connection: Connection) -> int:
        found = queue.get(connection, submission_id)
        if found is None:
            raise DecisionError("There is no such result.")
        decision = _decide(connection, clinician, submission_id, "triaged", clinician_level=level)
        audit.record(
            connection,
            actor,
            "triage_recorded",
            f"result {submission_id}: the clinician's level {level}",
            found.person_id,
        )
        return decision

    made: int = db.write(write)
    return made


def _claim(connection: Connection, submission_id: int, statuses: Sequence[str], to: str) -> None:
    """Move the result out of `statuses`, or refuse when another decision got there
    first (the row's status is checked and changed in one statement)."""
    moved = connection.execute(
        submissions.update()
        .where(submissions.c.id == submission_id, submissions.c.status.in_(statuses))
        .values(status=to)
    )
    if moved.rowcount != 1:
        raise DecisionError("This result was decided already: see its record below.")


def _open_for(
    connection: Connection, submission_id: int, statuses: Sequence[str]
) -> queue.Submission:
    found = queue.get(connection, submission_id)
    if found is None:
        raise DecisionError("There is no such result.")
    if found.status not in statuses:
        raise DecisionError("This result was decided already: see its record below.")
    return found


def _decide(
    connection: Connection,
    clinician: Account,
    submission_id: int,
    action: str,
    **values: Any,
) -> int:
    return inserted_id(
        connection.execute(
            decisions.insert().values(
                submission_id=submission_id,
                clinician_id=clinician.id,
                at=now(),
                action=action,
                edits=values.pop("edits", []),
                **values,
            )
        )
    )


def clean_text(text: str) -> Optional[str]:
    """A note or a message as kept: trimmed, at most NOTE_MAX characters, or None."""
    kept = text.strip()[:NOTE_MAX]
    return kept or None
