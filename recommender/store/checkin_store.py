"""What a check-in needs of a tracking store.

Two stores provide it: the full one (courses.py, through SQLAlchemy, on any database)
and the quick one (quick.py, the standard library's sqlite3, on an SQLite file at the
current schema), which a check-in uses where it can because importing SQLAlchemy alone
takes longer than the whole check-in should. The check-in (app/checkin.py) and the
clinic's check-in page are written against this interface, so either store serves.
"""

from __future__ import annotations

from typing import Any, Optional, Protocol

from recommender.core.progress import CheckIn, Person
from recommender.store.courses import CourseRow, SafeRow


class CheckInStore(Protocol):
    """Reading a person's current course and recording a check-in in it."""

    @property
    def where(self) -> str:
        """The database, as a message names it."""
        ...

    def person(self, given: Optional[str]) -> Person:
        """The person named or numbered by `given` (None: the only one)."""
        ...

    def current_course(self, person_id: int, with_checkins: bool = ...) -> CourseRow: ...

    def rescreens(self, block_id: int) -> list[str]:
        """The levels re-screens gave at the block's check-ins so far."""
        ...

    def add_checkin(self, course_id: int, block_id: int, checkin: CheckIn) -> int: ...

    def update_answers(self, course_id: int, answers: dict[str, Any]) -> None: ...

    def update_safe(self, block_id: int, safe: SafeRow) -> None: ...

    def stop_course(self, course_id: int, reason: str, level: str) -> None: ...

    def close(self) -> None: ...
