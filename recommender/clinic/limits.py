"""Sign-in attempts, limited per account and per address.

Failed attempts are rows in the database, so that every replica counts the same ones.
Past PER_ACCOUNT failures for one account, or PER_ADDRESS from one address, within
WINDOW, sign-in is refused for that account or address (even with the right password)
until the window has passed, with a message that says so and what to do. The check
comes before the password is hashed, so that a flood of guesses costs us little.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from recommender.clinic.db import ClinicDB, now
from recommender.store.schema import sign_in_failures

WINDOW = dt.timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20

TOO_MANY_FOR_ACCOUNT = (
    "Too many attempts to sign in to this account. To keep it safe, sign-in is paused "
    "for 15 minutes. Please try again later, or ask your practice for a new link if you "
    "have forgotten your password."
)
TOO_MANY_FROM_HERE = (
    "Too many attempts to sign in from this network. Sign-in from here is paused for 15 "
    "minutes. Please try again later."
)


def _keys(email: str, address: Optional[str]) -> tuple[str, str]:
    return f"account:{email}", f"address:{address or 'unknown'}"


def refusal(db: ClinicDB, email: str, address: Optional[str]) -> Optional[str]:
    """Why sign-in is paused for this account or address now; None when it is not."""
    account_key, address_key = _keys(email, address)
    since = now() - WINDOW

    def read(connection: Connection) -> tuple[int, int]:
        def count(key: str) -> int:
            return int(
                connection.execute(
                    select(func.count())
                    .select_from(sign_in_failures)
                    .where(sign_in_failures.c.key == key, sign_in_failures.c.at > since)
                ).scalar_one()
            )

        return count(account_key), count(address_key)

    by_account, by_address = db.read(read)
    if by_account >= PER_ACCOUNT:
        return TOO_MANY_FOR_ACCOUNT
    if by_address >= PER_ADDRESS:
        return TOO_MANY_FROM_HERE
    return None


def failed(connection: Connection, email: str, address: Optional[str]) -> None:
    """Count a failed attempt (and forget those older than the window)."""
    moment = now()
    for key in _keys(email, address):
        connection.execute(sign_in_failures.insert().values(key=key, at=moment))
    connection.execute(delete(sign_in_failures).where(sign_in_failures.c.at <= moment - WINDOW))


def succeeded(connection: Connection, email: str) -> None:
    """The account's own count starts again (the address's stays)."""
    account_key, _ = _keys(email, None)
    connection.execute(delete(sign_in_failures).where(sign_in_failures.c.key == account_key))
