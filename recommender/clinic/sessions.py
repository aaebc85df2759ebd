"""Sessions kept on the server: the cookie holds only a random id, the database its
hash, the account, and when it was last used.

A session ends on sign-out, after IDLE without a request, and in any case LONGEST after
sign-in. Signing in always makes a new id (and ends the session the browser held
before), so that an id planted before sign-in never becomes a signed-in one.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, Optional

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from recommender.clinic import tokens
from recommender.clinic.accounts import Account
from recommender.clinic.db import ClinicDB, now
from recommender.store.schema import accounts, sessions

IDLE = dt.timedelta(minutes=30)
LONGEST = dt.timedelta(hours=12)
#: A session's last use is written at most this often (each write costs every request).
TOUCH_EVERY = dt.timedelta(seconds=60)


class Found(NamedTuple):
    """The account a session id opens (None: no session), and whether the id was a
    session's that has just ended for being idle or too old."""

    account: Optional[Account]
    expired: bool = False


def start(db: ClinicDB, account_id: int, previous: Optional[str] = None) -> str:
    """A new session for the account (ending `previous`, the id the browser held); its
    id, for the cookie."""
    made = now()
    session_id = tokens.new_session_id()

    def write(connection: Connection) -> None:
        if previous:
            connection.execute(delete(sessions).where(sessions.c.id == tokens.digest(previous)))
        connection.execute(
            sessions.insert().values(
                id=tokens.digest(session_id), account_id=account_id, created_at=made, last_seen=made
            )
        )
        connection.execute(
            accounts.update().where(accounts.c.id == account_id).values(last_sign_in=made)
        )

    db.write(write)
    return session_id


def find(db: ClinicDB, session_id: Optional[str]) -> Found:
    """The account signed in with this id, touching the session; an idle or old one is
    ended."""
    if not session_id or len(session_id) > 100:
        return Found(None)
    key = tokens.digest(session_id)
    row = db.read(
        lambda c: c.execute(
            select(
                sessions.c.created_at,
                sessions.c.last_seen,
                accounts.c.id,
                accounts.c.email,
                accounts.c.role,
                accounts.c.person_id,
            )
            .join(accounts, accounts.c.id == sessions.c.account_id)
            .where(sessions.c.id == key)
        ).first()
    )
    if row is None:
        return Found(None)
    moment = now()
    if moment - row.last_seen > IDLE or moment - row.created_at > LONGEST:
        db.write(lambda c: c.execute(delete(sessions).where(sessions.c.id == key)))
        return Found(None, expired=True)
    if moment - row.last_seen >= TOUCH_EVERY:
        db.write(
            lambda c: c.execute(
                sessions.update().where(sessions.c.id == key).values(last_seen=moment)
            )
        )
    return Found(Account(row.id, row.email, row.role, row.person_id))


def end(db: ClinicDB, session_id: Optional[str]) -> None:
    if session_id:
        key = tokens.digest(session_id)
        db.write(lambda c: c.execute(delete(sessions).where(sessions.c.id == key)))


def end_all(connection: Connection, account_id: int) -> None:
    """Every session of an account (its record is being deleted)."""
    connection.execute(delete(sessions).where(sessions.c.account_id == account_id))
