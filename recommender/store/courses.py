"""Reading and writing people, courses, blocks, plans and check-ins: the only SQL
tracking runs through SQLAlchemy (store/quick.py has the check-in's own few).

Each write is one short transaction, so two processes checking in at once both land
(SQLite waits for the other's lock; PostgreSQL takes both). What comes out is rows as
stored (`CourseRow`, with each block's result object as its JSON); the commands read
the result into typed records (inputs/result_record.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

from recommender.core.progress import CheckIn, Person
from recommender.store import database
from recommender.store.people import choose, clean_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


#: The exercises that passed a person's filters, as a block keeps them:
#: exercise id -> [name, position].
SafeRow = dict[str, list[str]]


class NewBlock(NamedTuple):
    """A block about to be stored, with what a check-in reads without the plan."""

    start: dt.date
    weeks: int
    start_pain: int
    level: str
    session_days: list[list[str]]
    safe: Optional[SafeRow]
    first_plan_week: int = 1
    easier: int = 0
    swaps: tuple[tuple[str, Optional[str]], ...] = ()


class BlockRow(NamedTuple):
    id: int
    number: int
    start: dt.date
    weeks: int
    start_pain: int
    first_plan_week: int
    easier: int
    swaps: tuple[tuple[str, Optional[str]], ...]
    level: str
    session_days: list[list[str]]
    safe: Optional[SafeRow]
    result: Any  # the result object: its JSON text, or decoded
    result_format: int
    backplan_version: str
    rules_version: str


class CourseRow(NamedTuple):
    id: int
    person: Person
    answers: dict[str, Any]
    start: dt.date
    psfs: tuple[tuple[str, int], ...]
    stopped: Optional[str]
    stopped_level: Optional[str]
    blocks: tuple[BlockRow, ...]
    checkins: tuple[CheckIn, ...] = ()


class PersonSummary(NamedTuple):
    person: Person
    courses: int
    latest_start: Optional[dt.date]
    blocks: int
    stopped: bool


class Store:
    """One tracking database: `Store.open(url)` checks it and brings it up to date."""

    def __init__(self, engine: Engine, url: str, created: bool = False) -> None:
        self.engine = engine
        self.url = url
        self.created = created  # this run made the file (so a failed start removes it)

    @classmethod
    def open(cls, given: Optional[str] = None, create: bool = False) -> Store:
        url = database.database_url(given)
        engine, created = database.open_database(url, create)
        return cls(engine, url, created)

    @property
    def where(self) -> str:
        return database.describe(self.url)

    @property
    def private(self) -> bool:
        return database.private(self.url)

    def discard_if_new(self) -> None:
        """After a failed first write: remove the file this run created."""
        self.engine.dispose()
        path = database.sqlite_path(self.url)
        if self.created and path is not None:
            database.discard_new_file(path)

    def _write(self, work: Any) -> Any:
        def run() -> Any:
            with self.engine.begin() as connection:
                return work(connection)

        return database.guarded(run, self.url)

    # -- people ---------------------------------------------------------------------

    def people(self) -> list[Person]:
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from sqlalchemy import select

        from recommender.store.schema import people

        def read() -> list[Person]:
            with self.engine.connect() as connection:
                rows = connection.execute(select(people).order_by(people.c.id)).all()
            return [Person(r.id, r.display_name, r.created_at) for r in rows]

        return database.guarded(read, self.url)

    def person(self, given: Optional[str]) -> Person:
        """The person `--person` names, or the only one (store/people.py)."""
        return choose(self.people(), given, self.where)

    def add_person(self, name: str) -> Person:
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from recommender.store.schema import people

        name, created = clean_name(name), now()

        def write(connection: Connection) -> Person:
            added = connection.execute(
                people.insert().values(display_name=name, created_at=created)
            )
            (person_id,) = added.inserted_primary_key or (None,)
            assert isinstance(person_id, int)
            return Person(person_id, name, created)

        result: Person = self._write(write)
        return result

    def summaries(self) -> list[PersonSummary]:
        """Every person, with how many courses and blocks they have (`track people`)."""
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from sqlalchemy import func, select

        from recommender.store.schema import blocks, courses

        def read() -> list[PersonSummary]:
            with self.engine.connect() as connection:
                latest = {
                    row.person_id: row
                    for row in connection.execute(
                        select(
                            courses.c.person_id,
                            courses.c.id,
                            courses.c.start_date,
                            courses.c.stopped_at,
                        ).order_by(courses.c.id)  # fmt: skip
                    )
                }
                counts: dict[int, int] = dict(
                    connection.execute(
                        select(courses.c.person_id, func.count()).group_by(courses.c.person_id)
                    ).all()
                )
                block_counts: dict[int, int] = dict(
                    connection.execute(
                        select(blocks.c.course_id, func.count()).group_by(blocks.c.course_id)
                    ).all()
                )
            out = []
            for person in self.people():
                course = latest.get(person.id)
                out.append(
                    PersonSummary(
                        person,
                        int(counts.get(person.id, 0)),
                        course.start_date if course else None,
                        int(block_counts.get(course.id, 0)) if course else 0,
                        bool(course and course.stopped_at),
                    )
                )
            return out

        return database.guarded(read, self.url)

    # -- courses and blocks -----------------------------------------------------------

    def start_course(
        self,
        person_id: int,
        answers: dict[str, Any],
        result: dict[str, Any],
        psfs: tuple[tuple[str, int], ...],
        versions: tuple[str, str],
        block: NewBlock,
    ) -> int:
        """Store a new course with its first block and plan; it becomes the person's
        current course."""
        course: int = self._write(
            lambda connection: insert_course(
                connection, person_id, answers, result, psfs, versions, block
            )
        )
        return course

    def add_block(
        self,
        course_id: int,
        number: int,
        answers: dict[str, Any],
        result: dict[str, Any],
        versions: tuple[str, str],
        block: NewBlock,
    ) -> int:
        """Store the course's next block (`track renew`) and the answers it was planned
        from, in one transaction."""
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from recommender.store.schema import courses

        def write(connection: Connection) -> int:
            connection.execute(
                courses.update().where(courses.c.id == course_id).values(answers=answers)
            )
            return _add_block(connection, course_id, number, result, versions, block)

        block_id: int = self._write(write)
        return block_id

    def add_checkin(self, course_id: int, block_id: int, checkin: CheckIn) -> int:
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from recommender.store.schema import checkins

        def write(connection: Connection) -> int:
            added = connection.execute(
                checkins.insert().values(
                    course_id=course_id,
                    block_id=block_id,
                    recorded_at=checkin.recorded,
                    week=checkin.week,
                    sessions_done=checkin.sessions_done,
                    exercise_pain=checkin.exercise_pain,
                    next_morning=checkin.next_morning,
                    usual_pain=checkin.usual_pain,
                    new_red_flags=list(checkin.new_red_flags),
                    rescreen=checkin.rescreen,
                    psfs=list(checkin.psfs) if checkin.psfs is not None else None,
                    hurt=list(checkin.hurt),
                    too_easy=list(checkin.too_easy),
                )
            )
            (checkin_id,) = added.inserted_primary_key or (None,)
            assert isinstance(checkin_id, int)
            return checkin_id

        new_id: int = self._write(write)
        return new_id

    def update_answers(self, course_id: int, answers: dict[str, Any]) -> None:
        """Keep the course's answers, completed (the questions added since it began)."""
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from recommender.store.schema import courses

        self._write(
            lambda connection: connection.execute(
                courses.update().where(courses.c.id == course_id).values(answers=answers)
            )
        )

    def update_safe(self, block_id: int, safe: SafeRow) -> None:
        """Keep the exercises that pass the person's filters now (a new answer may have
        narrowed them)."""
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from recommender.store.schema import blocks

        self._write(
            lambda connection: connection.execute(
                blocks.update().where(blocks.c.id == block_id).values(safe=safe)
            )
        )

    def stop_course(self, course_id: int, reason: str, level: str) -> None:
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from recommender.store.schema import courses

        self._write(
            lambda connection: connection.execute(
                courses.update()
                .where(courses.c.id == course_id, courses.c.stopped_at.is_(None))
                .values(stopped_at=now(), stopped_reason=reason, stopped_level=level)
            )
        )

    def rescreens(self, block_id: int) -> list[str]:
        """The levels re-screens gave at the block's check-ins so far."""
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from sqlalchemy import select

        from recommender.store.schema import checkins

        def read() -> list[str]:
            with self.engine.connect() as connection:
                rows = connection.execute(
                    select(checkins.c.rescreen).where(
                        checkins.c.block_id == block_id, checkins.c.rescreen.is_not(None)
                    )
                ).all()
            return [str(level) for (level,) in rows]

        return database.guarded(read, self.url)

    def current_course(self, person_id: int, with_checkins: bool = True) -> CourseRow:
        """The person's newest course with its blocks and (by default) its check-ins."""
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from sqlalchemy import Text, select, type_coerce

        from recommender.store.schema import blocks, checkins, courses, people, plans

        def read() -> CourseRow:
            with self.engine.connect() as connection:
                person = connection.execute(select(people).where(people.c.id == person_id)).first()
                course = connection.execute(
                    select(courses)
                    .where(courses.c.person_id == person_id)
                    .order_by(courses.c.id.desc())
                    .limit(1)
                ).first()
                if person is None or course is None:
                    raise database.NotTracking(self.where)
                b, p = blocks.c, plans.c
                block_rows = connection.execute(
                    select(
                        b.id,
                        b.number,
                        b.start_date,
                        b.weeks,
                        b.start_pain,
                        b.first_plan_week,
                        b.easier,
                        b.swaps,
                        b.level,
                        b.session_days,
                        b.safe,
                        type_coerce(p.result, Text),
                        p.result_format,
                        p.backplan_version,
                        p.rules_version,
                    )  # fmt: skip
                    .join(plans, plans.c.id == b.plan_id)
                    .where(b.course_id == course.id)
                    .order_by(b.number)
                ).all()
                rows = []
                if with_checkins:
                    c = checkins.c
                    # The JSON columns come as their text where the driver gives text
                    # (SQLite): most are "[]" or "null", and decoding 10,000 of them
                    # one by one would cost more than the rest of a report.
                    columns = (
                        c.id, c.week, c.recorded_at, c.sessions_done, c.exercise_pain,
                        c.next_morning, c.usual_pain, type_coerce(c.new_red_flags, Text),
                        c.rescreen, type_coerce(c.psfs, Text), type_coerce(c.hurt, Text),
                        type_coerce(c.too_easy, Text), c.block_id,
                    )  # fmt: skip
                    rows = list(
                        connection.execute(
                            select(*columns)
                            .where(c.course_id == course.id)
                            .order_by(c.recorded_at, c.id)
                        )
                    )
            numbers = {row[0]: row[1] for row in block_rows}
            return CourseRow(
                id=course.id,
                person=Person(person.id, person.display_name, person.created_at),
                answers=course.answers,
                start=course.start_date,
                psfs=tuple((str(name), int(score)) for name, score in course.psfs_activities),
                stopped=course.stopped_reason,
                stopped_level=course.stopped_level,
                blocks=tuple(block_row(tuple(row)) for row in block_rows),
                checkins=tuple(_checkin(row, numbers) for row in rows),
            )

        return database.guarded(read, self.url)

    def close(self) -> None:
        self.engine.dispose()


def insert_course(
    connection: Connection,
    person_id: int,
    answers: dict[str, Any],
    result: dict[str, Any],
    psfs: tuple[tuple[str, int], ...],
    versions: tuple[str, str],
    block: NewBlock,
) -> int:
    """A new course with its first block and plan, in the caller's transaction (the
    clinic releases a plan and starts its course together)."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.store.schema import courses

    created = connection.execute(
        courses.insert().values(
            person_id=person_id,
            created_at=now(),
            start_date=block.start,
            answers=answers,
            psfs_activities=[[name, score] for name, score in psfs],
        )
    )
    (course_id,) = created.inserted_primary_key or (None,)
    assert isinstance(course_id, int)
    _add_block(connection, course_id, 1, result, versions, block)
    return course_id


def _add_block(
    connection: Connection,
    course_id: int,
    number: int,
    result: dict[str, Any],
    versions: tuple[str, str],
    block: NewBlock,
) -> int:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.core.result_record import FORMAT
    from recommender.store.schema import blocks, plans

    issued = connection.execute(
        plans.insert().values(
            course_id=course_id,
            issued_at=now(),
            backplan_version=versions[0],
            rules_version=versions[1],
            result=result,
            result_format=FORMAT,
        )
    )
    (plan_id,) = issued.inserted_primary_key or (None,)
    added = connection.execute(
        blocks.insert().values(
            course_id=course_id,
            number=number,
            plan_id=plan_id,
            created_at=now(),
            start_date=block.start,
            weeks=block.weeks,
            start_pain=block.start_pain,
            first_plan_week=block.first_plan_week,
            easier=block.easier,
            swaps=[list(pair) for pair in block.swaps],
            level=block.level,
            session_days=block.session_days,
            safe=block.safe,
        )
    )
    (block_id,) = added.inserted_primary_key or (None,)
    assert isinstance(block_id, int)
    return block_id


_EMPTY: dict[Optional[str], Any] = {"[]": [], "null": None, None: None}


def json_value(value: Any) -> Any:
    """A JSON column's value, from its text (SQLite) or as the driver decoded it."""
    if not isinstance(value, str) and value is not None:
        return value  # PostgreSQL's driver decodes JSON itself
    if value is None or value in _EMPTY:
        return _EMPTY[value]
    return json.loads(value)


def block_row(row: tuple[Any, ...]) -> BlockRow:
    """A block as read: (id, number, start, weeks, start_pain, first_plan_week, easier,
    swaps, level, session_days, safe, result, result_format, backplan_version,
    rules_version), the JSON columns as text or decoded."""
    (id_, number, start, weeks, pain, first, easier, swaps, level, days, safe,
     result, fmt, version, rules) = row  # fmt: skip
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    return BlockRow(
        id=id_,
        number=number,
        start=start,
        weeks=weeks,
        start_pain=pain,
        first_plan_week=first,
        easier=easier,
        swaps=tuple((str(a), None if b is None else str(b)) for a, b in json_value(swaps)),
        level=level,
        session_days=json_value(days),
        safe=json_value(safe),
        result=result,
        result_format=fmt,
        backplan_version=version,
        rules_version=rules,
    )


def _checkin(row: Sequence[Any], blocks: dict[int, int]) -> CheckIn:
    (id_, week, recorded, done, pain, morning, usual, flags, rescreen, psfs, hurt, easy,
     block) = tuple(row)  # fmt: skip
    psfs = json_value(psfs)
    return CheckIn(
        id=id_,
        week=week,
        recorded=recorded,
        sessions_done=done,
        exercise_pain=pain,
        next_morning=morning,
        usual_pain=usual,
        new_red_flags=tuple(json_value(flags) or ()),
        rescreen=rescreen,
        psfs=tuple(psfs) if psfs is not None else None,
        hurt=tuple(json_value(hurt) or ()),
        too_easy=tuple(json_value(easy) or ()),
        block=blocks.get(block, 1),
    )
