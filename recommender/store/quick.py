"""The quick path for a check-in on SQLite: the standard library's sqlite3, without
SQLAlchemy.

A check-in is one insert, typed after a session; importing SQLAlchemy alone takes
longer than the whole check-in should (benchmarks/tracking.py). So when the database
is an SQLite file already at this code's schema revision, the check-in reads the
course and writes its row here, in the exact formats SQLAlchemy's types use on SQLite
(a test reads every quick write back through SQLAlchemy). Anything else (PostgreSQL,
a database to migrate, a damaged or foreign file) goes through the full store in
courses.py, which migrates or refuses with its message. The schema itself is only
ever made and changed by the migrations.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any, Optional

from recommender.core.progress import CheckIn, Course
from recommender.store import database
from recommender.store.revision import HEAD

#: How SQLAlchemy's DateTime stores a value on SQLite.
_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


class QuickStore:
    """The part of `Store` a check-in needs, on an SQLite file at the current schema."""

    def __init__(self, connection: sqlite3.Connection, url: str) -> None:
        self.connection = connection
        self.url = url

    @classmethod
    def open(cls, given: Optional[str] = None) -> Optional[QuickStore]:
        """The quick store, or None where the full store must be used instead."""
        url = database.database_url(given)
        path = database.sqlite_path(url)
        if path is None:
            return None
        database.prepare_sqlite_file(path, create=False)  # NotTracking, foreign files
        try:
            # Another process may hold the write lock for a moment: wait for it.
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        except sqlite3.Error:
            return None
        try:
            row = connection.execute("SELECT version_num FROM backplan_alembic_version").fetchone()
        except sqlite3.Error:
            row = None
        if row != (HEAD,):
            connection.close()
            return None
        return cls(connection, url)

    @property
    def where(self) -> str:
        return database.describe(self.url)

    def _failed(self, exc: sqlite3.Error) -> database.StoreError:
        return database.StoreError(
            f"the tracking database {self.where} cannot be used ({exc}); nothing was changed"
        )

    def current_course(self, with_checkins: bool = False) -> Course:
        assert not with_checkins, "the quick path reads no check-ins"
        try:
            course = self.connection.execute(
                "SELECT id, answers, start_date, psfs_activities, stopped_reason "
                "FROM backplan_courses ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if course is None:
                raise database.NotTracking(self.where)
            plan = self.connection.execute(
                "SELECT result, backplan_version, rules_version FROM backplan_plans "
                "WHERE course_id = ? ORDER BY id DESC LIMIT 1",
                (course[0],),
            ).fetchone()
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        return Course(
            id=course[0],
            answers=json.loads(course[1]),
            result=json.loads(plan[0]),
            start=dt.date.fromisoformat(course[2]),
            psfs=tuple((str(name), int(score)) for name, score in json.loads(course[3])),
            stopped=course[4],
            backplan_version=plan[1],
            rules_version=plan[2],
        )

    def add_checkin(self, course_id: int, checkin: CheckIn) -> int:
        values: tuple[Any, ...] = (
            course_id,
            checkin.recorded.strftime(_DATETIME),
            checkin.week,
            checkin.sessions_done,
            checkin.exercise_pain,
            checkin.next_morning,
            checkin.usual_pain,
            json.dumps(list(checkin.new_red_flags)),
            checkin.rescreen,
            json.dumps(list(checkin.psfs) if checkin.psfs is not None else None),
        )
        try:
            with self.connection:
                cursor = self.connection.execute(
                    "INSERT INTO backplan_checkins (course_id, recorded_at, week, "
                    "sessions_done, exercise_pain, next_morning, usual_pain, new_red_flags, "
                    "rescreen, psfs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_answers(self, course_id: int, answers: dict[str, Any]) -> None:
        """Keep the course's answers, completed (the questions added since it began)."""
        try:
            with self.connection:
                self.connection.execute(
                    "UPDATE backplan_courses SET answers = ? WHERE id = ?",
                    (json.dumps(answers), course_id),
                )
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def stop_course(self, course_id: int, reason: str) -> None:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        try:
            with self.connection:
                self.connection.execute(
                    "UPDATE backplan_courses SET stopped_at = ?, stopped_reason = ? "
                    "WHERE id = ? AND stopped_at IS NULL",
                    (now.strftime(_DATETIME), reason, course_id),
                )
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def close(self) -> None:
        self.connection.close()
