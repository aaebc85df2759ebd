"""Signing in: the limits first, then the password, then a new session; every attempt
on record (the audit log and, when it failed, the counts of limits.py).

The message for a wrong email and for a wrong password is the same, so that the page
tells nobody which accounts exist.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from sqlalchemy import select
from sqlalchemy.engine import Connection

from recommender.clinic import audit, limits, passwords, sessions
from recommender.clinic.accounts import Account, AccountError, normal_email
from recommender.clinic.db import ClinicDB
from recommender.store.schema import accounts

WRONG = "The email address or the password is not right. Please check both and try again."
BUSY = "Many people are signing in just now. Please try again in a minute."


class SignedIn(NamedTuple):
    """A sign-in's outcome: the new session's id and account, or the message to show."""

    session_id: Optional[str] = None
    account: Optional[Account] = None
    problem: Optional[str] = None


def sign_in(
    db: ClinicDB,
    email_typed: str,
    password: str,
    address: Optional[str],
    previous: Optional[str] = None,
) -> SignedIn:
    try:
        email = normal_email(email_typed)
    except AccountError:
        return SignedIn(problem="Enter your email address, such as name@example.com.")
    if not password:
        return SignedIn(problem="Enter your password.")
    paused = limits.refusal(db, email, address)
    nobody = audit.Actor(None, address)
    if paused:
        audit.log(db, nobody, "sign_in_refused", f"sign-in paused for {email}")
        return SignedIn(problem=paused)
    row = db.read(lambda c: c.execute(select(accounts).where(accounts.c.email == email)).first())
    try:
        right = passwords.verify(row.password_hash if row else None, password)
    except passwords.Busy:
        return SignedIn(problem=BUSY)
    if not right:

        def note(connection: Connection) -> None:
            limits.failed(connection, email, address)
            audit.record(connection, nobody, "sign_in_failed", f"for {email}")

        db.write(note)
        return SignedIn(problem=WRONG)
    assert row is not None  # verify() is never true without a stored hash
    account = Account(row.id, row.email, row.role, row.person_id)
    if passwords.needs_rehash(row.password_hash):
        _rehash(db, row.id, password)

    def welcome(connection: Connection) -> None:
        limits.succeeded(connection, email)
        audit.record(connection, audit.Actor(account, address), "sign_in", "signed in")

    db.write(welcome)
    return SignedIn(sessions.start(db, account.id, previous), account)


def _rehash(db: ClinicDB, account_id: int, password: str) -> None:
    """The password hashed again with today's parameters (skipped when busy: the next
    sign-in does it)."""
    try:
        hashed = passwords.hash_password(password)
    except passwords.Busy:
        return
    db.write(
        lambda c: c.execute(
            accounts.update().where(accounts.c.id == account_id).values(password_hash=hashed)
        )
    )
