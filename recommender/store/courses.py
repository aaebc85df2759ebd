"""Reading and writing courses, plans and check-ins: the only SQL tracking runs.

Each write is one short transaction, so two processes checking in at once both land
(SQLite waits for the other's lock; PostgreSQL takes both).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Optional

from recommender.core.progress import CheckIn, Course
from recommender.store import database

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine, Row


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class Store:
    """One tracking database: `Store.open(url)` checks it and brings it up to date."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, given: Optional[str] = None, create: bool = False) -> Store:
        url = database.database_url(given)
        return cls(database.connect(url, create), url)

    @property
    def where(self) -> str:
        return database.describe(self.url)

    def start_course(
        self,
        answers: dict[str, Any],
        result: dict[str, Any],
        start: dt.date,
        psfs: tuple[tuple[str, int], ...],
        versions: tuple[str, str],
    ) -> int:
        """Store a new course with its first plan; it becomes the current course."""
        from recommender.store.schema import courses, plans

        def write() -> int:
            with self.engine.begin() as connection:
                created = connection.execute(
                    courses.insert().values(
                        created_at=_now(),
                        start_date=start,
                        answers=answers,
                        psfs_activities=[[name, score] for name, score in psfs],
                    )
                )
                (course_id,) = created.inserted_primary_key or (None,)
                assert isinstance(course_id, int)
                connection.execute(
                    plans.insert().values(
                        course_id=course_id,
                        issued_at=_now(),
                        backplan_version=versions[0],
                        rules_version=versions[1],
                        result=result,
                    )
                )
                return course_id

        return database.guarded(write, self.url)

    def add_checkin(self, course_id: int, checkin: CheckIn) -> int:
        from recommender.store.schema import checkins

        def write() -> int:
            with self.engine.begin() as connection:
                added = connection.execute(
                    checkins.insert().values(
                        course_id=course_id,
                        recorded_at=checkin.recorded,
                        week=checkin.week,
                        sessions_done=checkin.sessions_done,
                        exercise_pain=checkin.exercise_pain,
                        next_morning=checkin.next_morning,
                        usual_pain=checkin.usual_pain,
                        new_red_flags=list(checkin.new_red_flags),
                        rescreen=checkin.rescreen,
                        psfs=list(checkin.psfs) if checkin.psfs is not None else None,
                    )
                )
                (checkin_id,) = added.inserted_primary_key or (None,)
                assert isinstance(checkin_id, int)
                return checkin_id

        return database.guarded(write, self.url)

    def update_answers(self, course_id: int, answers: dict[str, Any]) -> None:
        """Keep the course's answers, completed (the questions added since it began)."""
        from recommender.store.schema import courses

        def write() -> None:
            with self.engine.begin() as connection:
                connection.execute(
                    courses.update().where(courses.c.id == course_id).values(answers=answers)
                )

        database.guarded(write, self.url)

    def stop_course(self, course_id: int, reason: str) -> None:
        from recommender.store.schema import courses

        def write() -> None:
            with self.engine.begin() as connection:
                connection.execute(
                    courses.update()
                    .where(courses.c.id == course_id, courses.c.stopped_at.is_(None))
                    .values(stopped_at=_now(), stopped_reason=reason)
                )

        database.guarded(write, self.url)

    def current_course(self, with_checkins: bool = True) -> Course:
        """The course started last, with its latest plan and (by default) its check-ins."""
        from sqlalchemy import Text, select, type_coerce

        from recommender.store.schema import checkins, courses, plans

        def read() -> Course:
            with self.engine.connect() as connection:
                course = connection.execute(
                    select(courses).order_by(courses.c.id.desc()).limit(1)
                ).first()
                if course is None:
                    raise database.NotTracking(self.where)
                plan = connection.execute(
                    select(plans)
                    .where(plans.c.course_id == course.id)
                    .order_by(plans.c.id.desc())
                    .limit(1)
                ).one()
                rows = []
                if with_checkins:
                    c = checkins.c
                    # The JSON columns come as their text where the driver gives text
                    # (SQLite): most are "[]" or "null", and decoding 10,000 of them
                    # one by one would cost more than the rest of a report.
                    columns = (
                        c.id, c.week, c.recorded_at, c.sessions_done, c.exercise_pain,
                        c.next_morning, c.usual_pain, type_coerce(c.new_red_flags, Text),
                        c.rescreen, type_coerce(c.psfs, Text),
                    )  # fmt: skip
                    rows = list(
                        connection.execute(
                            select(*columns)
                            .where(c.course_id == course.id)
                            .order_by(c.recorded_at, c.id)
                        )
                    )
            return Course(
                id=course.id,
                answers=course.answers,
                result=plan.result,
                start=course.start_date,
                psfs=tuple((str(name), int(score)) for name, score in course.psfs_activities),
                checkins=tuple(_checkin(row) for row in rows),
                stopped=course.stopped_reason,
                backplan_version=plan.backplan_version,
                rules_version=plan.rules_version,
            )

        return database.guarded(read, self.url)

    def close(self) -> None:
        self.engine.dispose()


_EMPTY: dict[Optional[str], Any] = {"[]": [], "null": None, None: None}


def _json(value: Any) -> Any:
    """A JSON column's value, from its text (SQLite) or as the driver decoded it."""
    if not isinstance(value, str) and value is not None:
        return value  # PostgreSQL's driver decodes JSON itself
    if value is None or value in _EMPTY:
        return _EMPTY[value]
    return json.loads(value)


def _checkin(row: Row[Any]) -> CheckIn:
    (id_, week, recorded, done, pain, morning, usual, flags, rescreen, psfs) = tuple(row)
    psfs = _json(psfs)
    return CheckIn(
        id=id_,
        week=week,
        recorded=recorded,
        sessions_done=done,
        exercise_pain=pain,
        next_morning=morning,
        usual_pain=usual,
        new_red_flags=tuple(_json(flags) or ()),
        rescreen=rescreen,
        psfs=tuple(psfs) if psfs is not None else None,
    )
