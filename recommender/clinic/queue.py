"""A patient's answers on their way to a clinician: saved as they go (a draft), sent
for review (a submission), and the queue of submissions, most serious first.

An emergency never waits: the moment the questions stop for one, the answers so far
are raised to the queue as a submission of their own (the patient sees the warning at
once, as in the public app), and an urgent result is raised the moment it is sent.
Everything else waits in the queue until a clinician has checked it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple, Optional

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from recommender import __version__
from recommender.clinic import audit
from recommender.clinic.accounts import Account
from recommender.clinic.db import ClinicDB, inserted_id, now
from recommender.inputs.fingerprint import rules_fingerprint
from recommender.store.schema import care, drafts, people, submissions

LEVEL_RANK = {"none": 0, "soon": 1, "urgent": 2, "emergency": 3}
#: Submissions a clinician still has to act on: raised ones first (by level), then those
#: waiting for their plan to be checked.
OPEN = ("emergency", "urgent", "waiting")
#: What the patient sees at once, without waiting for a clinician.
AT_ONCE = ("emergency", "urgent")


class Draft(NamedTuple):
    state: dict[str, Any]  # the questionnaire's state (app/web/state.py's to_data)
    raised: tuple[str, ...]  # emergency rules already raised to the queue


class Submission(NamedTuple):
    id: int
    person_id: int
    person_name: str
    submitted_at: dt.datetime
    answers: dict[str, Any]
    complete: bool
    level: str
    flags: tuple[str, ...]
    status: str
    weeks: int
    course_id: Optional[int]
    backplan_version: str
    rules_version: str

    @property
    def rank(self) -> int:
        """Higher is more serious: an open emergency, then urgent, then by level."""
        raised = {"emergency": 20, "urgent": 10}.get(self.status, 0)
        return raised + LEVEL_RANK.get(self.level, 0)


def status_for(level: str) -> str:
    return level if level in AT_ONCE else "waiting"


# -- drafts -------------------------------------------------------------------------


def load_draft(
    db: ClinicDB, account_id: int, viewed: Optional[tuple[audit.Actor, str]] = None
) -> Optional[Draft]:
    """The patient's answers so far; with `viewed` (who, and which page), the view is
    put on record in the same transaction."""

    def read(connection: Connection) -> Optional[Draft]:
        row = connection.execute(select(drafts).where(drafts.c.account_id == account_id)).first()
        if viewed is not None:
            actor, page = viewed
            person = actor.account.person_id if actor.account else None
            audit.record(connection, actor, "answers_viewed", page, person)
        return Draft(dict(row.state), tuple(row.raised or ())) if row is not None else None

    found: Optional[Draft] = db.write(read) if viewed is not None else db.read(read)
    return found


def save_draft(
    db: ClinicDB,
    actor: audit.Actor,
    state: dict[str, Any],
    stopped: Sequence[str],
    answers: dict[str, Any],
) -> Optional[int]:
    """Keep the patient's answers so far; when the questions stopped for an emergency
    not raised before, raise it now (in the same transaction): its submission's id."""
    account = actor.account
    assert account is not None and account.person_id is not None
    person_id = account.person_id

    def write(connection: Connection) -> Optional[int]:
        found = connection.execute(
            select(drafts.c.raised).where(drafts.c.account_id == account.id)
        ).first()
        raised = set(found.raised or ()) if found is not None else set()
        new = sorted(set(stopped) - raised)
        # Raised once while the stop holds; once the patient lifts it ("I answered by
        # mistake"), the same answer given again is raised again.
        values = {"state": state, "raised": sorted(set(stopped)), "updated_at": now()}
        if found is None:
            connection.execute(drafts.insert().values(account_id=account.id, **values))
        else:
            connection.execute(
                drafts.update().where(drafts.c.account_id == account.id).values(**values)
            )
        audit.record(connection, actor, "answers_saved", "saved the questionnaire", person_id)
        if not new:
            return None
        submission = _insert(connection, person_id, answers, False, "emergency", stopped, 4)
        audit.record(
            connection,
            actor,
            "emergency_raised",
            f"result {submission}: the questions stopped for {', '.join(new)}",
            person_id,
        )
        return submission

    raised_id: Optional[int] = db.write(write)
    return raised_id


def clear_draft(connection: Connection, account_id: int) -> None:
    connection.execute(delete(drafts).where(drafts.c.account_id == account_id))


# -- submissions ----------------------------------------------------------------------


def submit(
    db: ClinicDB,
    actor: audit.Actor,
    answers: dict[str, Any],
    level: str,
    flags: Sequence[str],
    weeks: int,
) -> int:
    """Send complete answers for review (their draft goes): the new submission's id."""
    account = actor.account
    assert account is not None and account.person_id is not None
    person_id = account.person_id

    def write(connection: Connection) -> int:
        submission = _insert(connection, person_id, answers, True, level, flags, weeks)
        clear_draft(connection, account.id)
        audit.record(
            connection, actor, "submitted", f"result {submission} sent ({level})", person_id
        )
        return submission

    made: int = db.write(write)
    return made


def _insert(
    connection: Connection,
    person_id: int,
    answers: dict[str, Any],
    complete: bool,
    level: str,
    flags: Sequence[str],
    weeks: int,
) -> int:
    return inserted_id(
        connection.execute(
            submissions.insert().values(
                person_id=person_id,
                submitted_at=now(),
                answers=answers,
                complete=complete,
                level=level,
                flags=list(flags),
                status=status_for(level),
                weeks=weeks,
                backplan_version=__version__,
                rules_version=rules_fingerprint(),
            )
        )
    )


def _submission(row: Any) -> Submission:
    return Submission(
        id=row.id,
        person_id=row.person_id,
        person_name=row.display_name,
        submitted_at=row.submitted_at,
        answers=dict(row.answers),
        complete=bool(row.complete),
        level=row.level,
        flags=tuple(row.flags or ()),
        status=row.status,
        weeks=row.weeks,
        course_id=row.course_id,
        backplan_version=row.backplan_version,
        rules_version=row.rules_version,
    )


def _select() -> Any:
    return select(submissions, people.c.display_name).join(
        people, people.c.id == submissions.c.person_id
    )


def get(connection: Connection, submission_id: int) -> Optional[Submission]:
    row = connection.execute(_select().where(submissions.c.id == submission_id)).first()
    return _submission(row) if row is not None else None


def of_person(db: ClinicDB, person_id: int) -> list[Submission]:
    """A person's submissions, newest first."""
    rows = db.read(
        lambda c: c.execute(
            _select().where(submissions.c.person_id == person_id).order_by(submissions.c.id.desc())
        ).all()
    )
    return [_submission(row) for row in rows]


def latest(db: ClinicDB, person_id: int) -> Optional[Submission]:
    found = of_person(db, person_id)
    return found[0] if found else None


def waiting_for(db: ClinicDB, clinician: Account) -> list[Submission]:
    """The queue: open submissions of the people in the clinician's care, most serious
    first (an emergency, then urgent, then the highest level), oldest first within."""
    rows = db.read(
        lambda c: c.execute(
            _select()
            .join(care, care.c.person_id == submissions.c.person_id)
            .where(
                care.c.clinician_id == clinician.id,
                care.c.until.is_(None),
                submissions.c.status.in_(OPEN),
            )
        ).all()
    )
    found = [_submission(row) for row in rows]
    return sorted(found, key=lambda s: (-s.rank, s.submitted_at, s.id))


def set_status(
    connection: Connection, submission_id: int, status: str, course_id: Optional[int] = None
) -> None:
    values: dict[str, Any] = {"status": status}
    if course_id is not None:
        values["course_id"] = course_id
    connection.execute(
        submissions.update().where(submissions.c.id == submission_id).values(**values)
    )
