"""The database a clinic runs on: the tracking store's (SQLite for one clinician's
trial, PostgreSQL for a practice with several replicas), opened and migrated by
store/database.py, with short transactions for everything the clinic reads and writes.

Every failure of the database becomes a StoreError naming it (never a password), as
for the `track` commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Optional, TypeVar

from recommender.store import database
from recommender.store.courses import Store

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

T = TypeVar("T")


def now() -> dt.datetime:
    """The time as the store keeps it: UTC, to the second, without a zone."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class ClinicDB:
    """One clinic's database, shared by every request of a worker."""

    def __init__(self, store: Store) -> None:
        self.store = store  # courses, blocks and check-ins (store/courses.py)

    @classmethod
    def open(cls, given: Optional[str] = None) -> ClinicDB:
        """The database `given` (a URL or path), else $BACKPLAN_DB, else the default
        file; made and migrated when new."""
        return cls(Store.open(given, create=True))

    @property
    def url(self) -> str:
        return self.store.url

    def read(self, work: Callable[[Connection], T]) -> T:
        def run() -> T:
            with self.store.engine.connect() as connection:
                return work(connection)

        return database.guarded(run, self.url)

    def write(self, work: Callable[[Connection], T]) -> T:
        """`work` in one transaction: all of it is kept, or none."""

        def run() -> T:
            with self.store.engine.begin() as connection:
                return work(connection)

        return database.guarded(run, self.url)

    def close(self) -> None:
        self.store.close()


def inserted_id(result: object) -> int:
    """The primary key of the row an INSERT made."""
    (key,) = getattr(result, "inserted_primary_key", None) or (None,)
    assert isinstance(key, int)
    return key
