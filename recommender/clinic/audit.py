"""The audit log: every view and change of a patient's record, and every sign-in, with
who, when, what and from where. Append-only: this module only ever inserts, and the
database refuses UPDATE and DELETE on the table (migration 0003).

An entry names the record (a person's id, a result's number) and what was done to it,
never the health data itself, so that it can stay when a record is deleted at the
patient's request: the log then keeps that the deletion happened, not what was deleted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import NamedTuple, Optional

from sqlalchemy import select
from sqlalchemy.engine import Connection

from recommender.clinic.accounts import Account
from recommender.clinic.db import ClinicDB, now
from recommender.store.schema import audit

#: The columns of the export, in order.
COLUMNS = ("id", "at", "actor_id", "actor", "role", "action", "person_id", "detail", "address")


class Actor(NamedTuple):
    """Who did something, and from where."""

    account: Optional[Account]
    address: Optional[str]

    @property
    def label(self) -> str:
        return self.account.email if self.account else "nobody"


class Entry(NamedTuple):
    id: int
    at: dt.datetime
    actor_id: Optional[int]
    actor: str
    role: Optional[str]
    action: str
    person_id: Optional[int]
    detail: str
    address: Optional[str]


def record(
    connection: Connection,
    actor: Actor,
    action: str,
    detail: str,
    person_id: Optional[int] = None,
) -> None:
    """Add an entry in the caller's transaction, so that a change and its entry are
    kept together or not at all."""
    account = actor.account
    connection.execute(
        audit.insert().values(
            at=now(),
            actor_id=account.id if account else None,
            actor=actor.label,
            role=account.role if account else None,
            action=action,
            person_id=person_id,
            detail=detail[:500],
            address=(actor.address or "")[:64] or None,
        )
    )


def log(
    db: ClinicDB, actor: Actor, action: str, detail: str, person_id: Optional[int] = None
) -> None:
    """An entry on its own (a view, a sign-in)."""
    db.write(lambda c: record(c, actor, action, detail, person_id))


def entries(
    db: ClinicDB, person_id: Optional[int] = None, limit: Optional[int] = None
) -> list[Entry]:
    """The log, newest first; one person's entries with `person_id`."""
    query = select(audit).order_by(audit.c.id.desc())
    if person_id is not None:
        query = query.where(audit.c.person_id == person_id)
    if limit is not None:
        query = query.limit(limit)
    rows = db.read(lambda c: c.execute(query).all())
    return [Entry(*(getattr(row, name) for name in COLUMNS)) for row in rows]


def as_csv(found: list[Entry]) -> str:
    """The entries as CSV, oldest first, times in ISO 8601 (UTC)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in sorted(found, key=lambda e: e.id):
        row = entry._replace(at=entry.at.isoformat() + "Z")  # type: ignore[arg-type]
        writer.writerow(["" if value is None else _cell(value) for value in row])
    return out.getvalue()


def _cell(value: object) -> str:
    """A cell that a spreadsheet will not read as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
