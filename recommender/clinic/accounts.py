"""Accounts and roles, set-up links and patient invites, and who cares for whom.

A clinician or an admin is created on the command line (`backplan clinic
add-clinician`), which gives a one-time code: whoever opens its link chooses the
password. A patient is invited by a clinician: backplan adds the person, records that
the clinician cares for them, and gives a one-time code to hand over; the patient
chooses their email and password with it. backplan sends no email: the practice passes
the link on through its own messaging.

Roles: `patient` (their own answers, plan and check-ins), `clinician` (the people in
their care: the queue, reviews, progress, and deletion requests), `admin` (the audit
log and the agreement table; no patient's health data).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple, Optional

from sqlalchemy import select
from sqlalchemy.engine import Connection

from recommender.clinic import passwords, tokens
from recommender.clinic.db import ClinicDB, inserted_id, now
from recommender.core.errors import BackplanError
from recommender.store.people import NAME_MAX
from recommender.store.schema import accounts, care, invites, people

ROLES = ("patient", "clinician", "admin")
STAFF = ("clinician", "admin")
#: How long an invite code or a set-up link can be used.
INVITE_DAYS = 7
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


class AccountError(BackplanError):
    """An account that cannot be made or used as asked (exit code 2)."""


class Account(NamedTuple):
    id: int
    email: str
    role: str
    person_id: Optional[int]  # the person a patient's account is for


class Invite(NamedTuple):
    """A code just made: shown once, kept only as its hash."""

    code: str
    kind: str  # set_up or patient
    expires: dt.datetime
    person_id: Optional[int] = None


def normal_email(text: str) -> str:
    """An email address as typed, in the one form kept (trimmed, lower case)."""
    email = text.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise AccountError(f"{email[:60]!r} is not an email address")
    return email


def add_staff(db: ClinicDB, email: str, role: str = "clinician") -> Invite:
    """A clinician's (or an admin's) account, and the code that sets its password. For
    an account made but not yet set up, a new code (the old ones stop working)."""
    if role not in STAFF:
        raise AccountError(f"a staff account is a clinician or an admin, not {role!r}")
    email = normal_email(email)

    def write(connection: Connection) -> Invite:
        found = connection.execute(select(accounts).where(accounts.c.email == email)).first()
        if found is not None and (found.password_hash is not None or found.role != role):
            raise AccountError(f"{email} already has an account ({found.role})")
        if found is None:
            account_id = inserted_id(
                connection.execute(
                    accounts.insert().values(email=email, role=role, created_at=now())
                )
            )
        else:
            account_id = found.id
            connection.execute(
                invites.update()
                .where(invites.c.account_id == account_id, invites.c.used_at.is_(None))
                .values(used_at=now())
            )
        return _new_invite(connection, "set_up", account_id=account_id)

    invite: Invite = db.write(write)
    return invite


def invite_patient(db: ClinicDB, clinician: Account, name: str) -> Invite:
    """A new person in `clinician`'s care, and the code that lets them make their
    account."""
    shown = " ".join(name.split())
    if not shown or len(shown) > NAME_MAX or not shown.isprintable():
        raise AccountError(f"give the patient's name (one line of at most {NAME_MAX} characters)")

    def write(connection: Connection) -> Invite:
        made = now()
        person_id = inserted_id(
            connection.execute(people.insert().values(display_name=shown, created_at=made))
        )
        connection.execute(
            care.insert().values(person_id=person_id, clinician_id=clinician.id, since=made)
        )
        return _new_invite(connection, "patient", person_id=person_id, created_by=clinician.id)

    invite: Invite = db.write(write)
    return invite


def _new_invite(
    connection: Connection,
    kind: str,
    account_id: Optional[int] = None,
    person_id: Optional[int] = None,
    created_by: Optional[int] = None,
) -> Invite:
    code, made = tokens.new_code(), now()
    expires = made + dt.timedelta(days=INVITE_DAYS)
    connection.execute(
        invites.insert().values(
            code_hash=tokens.digest(code),
            kind=kind,
            account_id=account_id,
            person_id=person_id,
            created_by=created_by,
            created_at=made,
            expires_at=expires,
        )
    )
    return Invite(code, kind, expires, person_id)


class Pending(NamedTuple):
    """An invite that can still be used: what its page asks for."""

    id: int
    kind: str
    email: Optional[str]  # a set-up link's account; a patient chooses their own


def pending(db: ClinicDB, code: str) -> Optional[Pending]:
    """The unused, unexpired invite with this code, or None."""

    def read(connection: Connection) -> Optional[Pending]:
        row = connection.execute(
            select(invites.c.id, invites.c.kind, accounts.c.email)
            .select_from(invites.outerjoin(accounts, accounts.c.id == invites.c.account_id))
            .where(
                invites.c.code_hash == tokens.digest(tokens.normal_code(code)),
                invites.c.used_at.is_(None),
                invites.c.expires_at > now(),
            )
        ).first()
        return Pending(row.id, row.kind, row.email) if row is not None else None

    found: Optional[Pending] = db.read(read)
    return found


def accept(db: ClinicDB, code: str, email: Optional[str], password: str) -> Account:
    """Use an invite: set a staff account's password, or make a patient's account. The
    code works once (two tabs at once: the second is refused)."""
    invite = pending(db, code)
    if invite is None:
        raise AccountError("This link or code has been used or has expired.")
    chosen = normal_email(email) if invite.kind == "patient" and email else invite.email
    if chosen is None:
        raise AccountError("Enter your email address.")
    why = passwords.problem(password, chosen)
    if why:
        raise AccountError(why)
    try:
        hashed = passwords.hash_password(password)
    except passwords.Busy:
        raise AccountError(
            "Many people are signing in just now. Please try again in a minute."
        ) from None
    account: Account = db.write(lambda c: _use(c, invite.id, chosen, hashed))
    return account


def _use(connection: Connection, invite_id: int, email: str, hashed: str) -> Account:
    used = connection.execute(
        invites.update()
        .where(invites.c.id == invite_id, invites.c.used_at.is_(None))
        .values(used_at=now())
    )
    if used.rowcount != 1:
        raise AccountError("This link or code has been used or has expired.")
    row = connection.execute(select(invites).where(invites.c.id == invite_id)).one()
    if row.kind == "set_up":
        connection.execute(
            accounts.update().where(accounts.c.id == row.account_id).values(password_hash=hashed)
        )
        account_id = row.account_id
    else:
        taken = connection.execute(select(accounts.c.id).where(accounts.c.email == email)).first()
        if taken is not None:
            raise AccountError(f"{email} already has an account: sign in with it instead.")
        account_id = inserted_id(
            connection.execute(
                accounts.insert().values(
                    email=email,
                    password_hash=hashed,
                    role="patient",
                    person_id=row.person_id,
                    created_at=now(),
                )
            )
        )
    found = by_id_in(connection, account_id)
    assert found is not None
    return found


def by_id_in(connection: Connection, account_id: int) -> Optional[Account]:
    row = connection.execute(select(accounts).where(accounts.c.id == account_id)).first()
    return Account(row.id, row.email, row.role, row.person_id) if row is not None else None


def cares_for(connection: Connection, clinician_id: int, person_id: int) -> bool:
    """The clinician follows this person now (the clinic's one access rule for
    clinicians, docs/tracking.md "People")."""
    return (
        connection.execute(
            select(care.c.id).where(
                care.c.clinician_id == clinician_id,
                care.c.person_id == person_id,
                care.c.until.is_(None),
            )
        ).first()
        is not None
    )


class Patient(NamedTuple):
    """A person in a clinician's care, as the dashboard lists them."""

    person_id: int
    name: str
    email: Optional[str]  # None until they use their invite
    since: dt.datetime


def patients_of(db: ClinicDB, clinician: Account) -> list[Patient]:
    def read(connection: Connection) -> list[Patient]:
        rows = connection.execute(
            select(people.c.id, people.c.display_name, accounts.c.email, care.c.since)
            .select_from(
                care.join(people, people.c.id == care.c.person_id).outerjoin(
                    accounts, accounts.c.person_id == people.c.id
                )
            )
            .where(care.c.clinician_id == clinician.id, care.c.until.is_(None))
            .order_by(people.c.display_name, people.c.id)
        ).all()
        return [Patient(r.id, r.display_name, r.email, r.since) for r in rows]

    found: list[Patient] = db.read(read)
    return found


def person_name(connection: Connection, person_id: int) -> Optional[str]:
    return connection.execute(
        select(people.c.display_name).where(people.c.id == person_id)
    ).scalar()
