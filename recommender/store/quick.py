"""The quick path for a check-in on SQLite: the standard library's sqlite3, without
SQLAlchemy.

A check-in is one insert, typed after a session; importing SQLAlchemy alone takes
longer than the whole check-in should (benchmarks/tracking.py). So when the database
is an SQLite file already at this code's schema revision, the check-in reads the
person, the course and its current block, and writes its row here, in the exact
formats SQLAlchemy's types use on SQLite (a test reads every quick write back through
SQLAlchemy). Anything else (PostgreSQL, a database to migrate, a damaged or foreign
file) goes through the full store in courses.py, which migrates or refuses with its
message. The schema itself is only ever made and changed by the migrations.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any, Optional

from recommender.core.progress import CheckIn, Person
from recommender.store import database
from recommender.store.courses import CourseRow, SafeRow, block_row
from recommender.store.people import choose
from recommender.store.revision import HEAD

#: How SQLAlchemy's DateTime stores a value on SQLite.
_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


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
        if database._full(exc):
            return database.StoreFull(
                f"the disk holding the tracking database {self.where} is full: nothing was stored"
            )
        return database.StoreError(
            f"the tracking database {self.where} cannot be used ({exc}); nothing was changed"
        )

    def _read(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        try:
            return self.connection.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def _write(self, sql: str, *args: Any) -> Optional[int]:
        try:
            with self.connection:
                return self.connection.execute(sql, args).lastrowid
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def people(self) -> list[Person]:
        rows = self._read("SELECT id, display_name, created_at FROM backplan_people ORDER BY id")
        return [Person(i, name, _moment(made)) for i, name, made in rows]

    def person(self, given: Optional[str]) -> Person:
        return choose(self.people(), given, self.where)

    def current_course(self, person_id: int, with_checkins: bool = False) -> CourseRow:
        assert not with_checkins, "the quick path reads no check-ins"
        person = [p for p in self.people() if p.id == person_id]
        course = self._read(
            "SELECT id, answers, start_date, psfs_activities, stopped_reason, stopped_level "
            "FROM backplan_courses WHERE person_id = ? ORDER BY id DESC LIMIT 1",
            person_id,
        )
        if not person or not course:
            raise database.NotTracking(self.where)
        (course_id, answers, start, psfs, stopped, stopped_level) = course[0]
        blocks = self._read(
            "SELECT b.id, b.number, b.start_date, b.weeks, b.start_pain, b.first_plan_week, "
            "b.easier, b.swaps, b.level, b.session_days, b.safe, p.result, p.result_format, "
            "p.backplan_version, p.rules_version FROM backplan_blocks b "
            "JOIN backplan_plans p ON p.id = b.plan_id WHERE b.course_id = ? ORDER BY b.number",
            course_id,
        )
        return CourseRow(
            id=course_id,
            person=person[0],
            answers=json.loads(answers),
            start=dt.date.fromisoformat(start),
            psfs=tuple((str(name), int(score)) for name, score in json.loads(psfs)),
            stopped=stopped,
            stopped_level=stopped_level,
            blocks=tuple(block_row(row) for row in blocks),
        )

    def rescreens(self, block_id: int) -> list[str]:
        """The levels re-screens gave at the block's check-ins so far."""
        rows = self._read(
            "SELECT rescreen FROM backplan_checkins WHERE block_id = ? AND rescreen IS NOT NULL",
            block_id,
        )
        return [level for (level,) in rows]

    def add_checkin(self, course_id: int, block_id: int, checkin: CheckIn) -> int:
        new_id = self._write(
            "INSERT INTO backplan_checkins (course_id, block_id, recorded_at, week, "
            "sessions_done, exercise_pain, next_morning, usual_pain, new_red_flags, "
            "rescreen, psfs, hurt, too_easy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            course_id,
            block_id,
            checkin.recorded.strftime(_DATETIME),
            checkin.week,
            checkin.sessions_done,
            checkin.exercise_pain,
            checkin.next_morning,
            checkin.usual_pain,
            json.dumps(list(checkin.new_red_flags)),
            checkin.rescreen,
            json.dumps(list(checkin.psfs) if checkin.psfs is not None else None),
            json.dumps(list(checkin.hurt)),
            json.dumps(list(checkin.too_easy)),
        )
        assert new_id is not None
        return new_id

    def update_answers(self, course_id: int, answers: dict[str, Any]) -> None:
        """Keep the course's answers, completed (the questions added since it began)."""
        self._write(
            "UPDATE backplan_courses SET answers = ? WHERE id = ?", json.dumps(answers), course_id
        )

    def update_safe(self, block_id: int, safe: SafeRow) -> None:
        self._write("UPDATE backplan_blocks SET safe = ? WHERE id = ?", json.dumps(safe), block_id)

    def stop_course(self, course_id: int, reason: str, level: str) -> None:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        self._write(
            "UPDATE backplan_courses SET stopped_at = ?, stopped_reason = ?, stopped_level = ? "
            "WHERE id = ? AND stopped_at IS NULL",
            now.strftime(_DATETIME),
            reason,
            level,
            course_id,
        )

    def close(self) -> None:
        self.connection.close()
