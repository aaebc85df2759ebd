"""Everything stored about a patient, for them to download, and deleting it when they
ask and a clinician who cares for them confirms.

The copy is every row that names the person or their account: the account (not its
password hash), who cares for them, answers in progress, each result with every
decision about it, each course with its plans and check-ins, and the audit log's
entries about them. Deletion removes all of those rows except the audit log's, which
keep only that things happened (and, at the end, that the record was deleted at the
person's request, and by whom it was confirmed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, Optional

from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Connection

from recommender.clinic import audit, queue, review, sessions
from recommender.clinic.accounts import Account, cares_for, person_name
from recommender.clinic.db import ClinicDB, now
from recommender.store.schema import (
    accounts,
    blocks,
    care,
    checkins,
    courses,
    decisions,
    deletions,
    drafts,
    invites,
    people,
    plans,
    submissions,
)


def _when(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _row(row: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    return {key: _when(value) for key, value in row._mapping.items() if key not in leave_out}


def everything(db: ClinicDB, account: Account) -> dict[str, Any]:
    """Every row stored about the patient, as JSON-ready data."""
    assert account.person_id is not None
    person_id = account.person_id

    def read(connection: Connection) -> dict[str, Any]:
        person = connection.execute(select(people).where(people.c.id == person_id)).one()
        mine = connection.execute(select(accounts).where(accounts.c.id == account.id)).one()
        return {
            "exported_at": _when(now()) + "Z",
            "person": _row(person),
            "account": _row(mine, ("password_hash",)),
            "cared_for_by": _care(connection, person_id),
            "answers_in_progress": _draft(connection, account.id),
            "results": _results(connection, person_id),
            "courses": _courses(connection, person_id),
        }

    data: dict[str, Any] = db.read(read)
    data["audit_log"] = [
        {**entry._asdict(), "at": _when(entry.at) + "Z"}
        for entry in reversed(audit.entries(db, person_id=person_id))
    ]
    return data


def _care(connection: Connection, person_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(accounts.c.email, care.c.since, care.c.until)
        .join(accounts, accounts.c.id == care.c.clinician_id)
        .where(care.c.person_id == person_id)
    ).all()
    return [_row(r) for r in rows]


def _draft(connection: Connection, account_id: int) -> Optional[dict[str, Any]]:
    row = connection.execute(select(drafts).where(drafts.c.account_id == account_id)).first()
    return _row(row, ("account_id",)) if row is not None else None


def _results(connection: Connection, person_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(submissions).where(submissions.c.person_id == person_id).order_by(submissions.c.id)
    ).all()
    return [
        {
            **_row(r, ("person_id",)),
            "decisions": [
                {key: _when(value) for key, value in d._asdict().items()}
                for d in review.decisions_of(connection, r.id)
            ],
        }
        for r in rows
    ]


def _courses(connection: Connection, person_id: int) -> list[dict[str, Any]]:
    found = []
    for course in connection.execute(
        select(courses).where(courses.c.person_id == person_id).order_by(courses.c.id)
    ).all():
        course_blocks = connection.execute(
            select(blocks, plans.c.result, plans.c.issued_at)
            .join(plans, plans.c.id == blocks.c.plan_id)
            .where(blocks.c.course_id == course.id)
            .order_by(blocks.c.number)
        ).all()
        course_checkins = connection.execute(
            select(checkins).where(checkins.c.course_id == course.id).order_by(checkins.c.id)
        ).all()
        found.append(
            {
                **_row(course, ("person_id",)),
                "blocks": [_row(b) for b in course_blocks],
                "checkins": [_row(c) for c in course_checkins],
            }
        )
    return found


# -- deletion ------------------------------------------------------------------------


class Request(NamedTuple):
    id: int
    person_id: int
    name: str
    requested_at: dt.datetime


def ask_to_delete(db: ClinicDB, actor: audit.Actor) -> None:
    """The patient asks for their record to be deleted (once; asking again changes
    nothing)."""
    account = actor.account
    assert account is not None and account.person_id is not None
    person_id = account.person_id

    def write(connection: Connection) -> None:
        open_request = connection.execute(
            select(deletions.c.id).where(
                deletions.c.person_id == person_id, deletions.c.confirmed_at.is_(None)
            )
        ).first()
        if open_request is None:
            connection.execute(deletions.insert().values(person_id=person_id, requested_at=now()))
            audit.record(connection, actor, "deletion_requested", "asked for deletion", person_id)

    db.write(write)


def asked(db: ClinicDB, person_id: int) -> Optional[dt.datetime]:
    """When the person asked for deletion, if they have and it is not done."""
    found: Optional[dt.datetime] = db.read(
        lambda c: c.execute(
            select(deletions.c.requested_at).where(
                deletions.c.person_id == person_id, deletions.c.confirmed_at.is_(None)
            )
        ).scalar()
    )
    return found


def waiting_deletions(db: ClinicDB, clinician: Account) -> list[Request]:
    """Deletion requests from the people in the clinician's care."""
    rows = db.read(
        lambda c: c.execute(
            select(
                deletions.c.id,
                deletions.c.person_id,
                people.c.display_name,
                deletions.c.requested_at,
            )
            .join(people, people.c.id == deletions.c.person_id)
            .join(care, care.c.person_id == deletions.c.person_id)
            .where(
                care.c.clinician_id == clinician.id,
                care.c.until.is_(None),
                deletions.c.confirmed_at.is_(None),
            )
        ).all()
    )
    return [Request(*row) for row in rows]


def delete_record(db: ClinicDB, actor: audit.Actor, person_id: int) -> bool:
    """Delete everything stored about the person (their request confirmed by a
    clinician who cares for them); False when there is no request or no care."""
    clinician = actor.account
    assert clinician is not None

    def write(connection: Connection) -> bool:
        if not cares_for(connection, clinician.id, person_id):
            return False
        moved = connection.execute(
            deletions.update()
            .where(deletions.c.person_id == person_id, deletions.c.confirmed_at.is_(None))
            .values(confirmed_by=clinician.id, confirmed_at=now())
        )
        if moved.rowcount < 1:
            return False
        _remove(connection, person_id)
        audit.record(
            connection,
            actor,
            "deleted",
            "the person's record deleted at their request, confirmed by this clinician",
            person_id,
        )
        return True

    done: bool = db.write(write)
    return done


def _remove(connection: Connection, person_id: int) -> None:
    """Every row about the person, children first (the foreign keys' order)."""
    theirs = select(submissions.c.id).where(submissions.c.person_id == person_id)
    their_courses = select(courses.c.id).where(courses.c.person_id == person_id)
    account_ids = [
        row.id
        for row in connection.execute(
            select(accounts.c.id).where(accounts.c.person_id == person_id)
        )
    ]
    connection.execute(delete(decisions).where(decisions.c.submission_id.in_(theirs)))
    connection.execute(delete(submissions).where(submissions.c.person_id == person_id))
    connection.execute(delete(checkins).where(checkins.c.course_id.in_(their_courses)))
    connection.execute(delete(blocks).where(blocks.c.course_id.in_(their_courses)))
    connection.execute(delete(plans).where(plans.c.course_id.in_(their_courses)))
    connection.execute(delete(courses).where(courses.c.person_id == person_id))
    for account_id in account_ids:
        queue.clear_draft(connection, account_id)
        sessions.end_all(connection, account_id)
    connection.execute(
        delete(invites).where(
            or_(invites.c.person_id == person_id, invites.c.account_id.in_(account_ids))
        )
    )
    connection.execute(delete(care).where(care.c.person_id == person_id))
    connection.execute(delete(accounts).where(accounts.c.person_id == person_id))
    connection.execute(delete(people).where(people.c.id == person_id))


def person_in_care(db: ClinicDB, clinician: Account, person_id: int) -> Optional[str]:
    """The person's name when the clinician cares for them now; None otherwise (the
    routes then answer 404, as for a person who does not exist)."""

    def read(connection: Connection) -> Optional[str]:
        if not cares_for(connection, clinician.id, person_id):
            return None
        return person_name(connection, person_id)

    found: Optional[str] = db.read(read)
    return found
