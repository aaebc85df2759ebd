"""The work behind `backplan track`: start a course, record check-ins, re-screen new
symptoms, renew a block, and follow the course through the adaptation rules.

Every command is about one person's course: the only person in a personal database,
or the one `--person` names in a shared one (store/people.py). A new red-flag answer
at a check-in re-runs triage on the stored answers with that symptom added; `urgent`
or `emergency` stops the plan at once, with the warning, and the stop is stored so
that no later command shows exercises again. Whatever the level, every output keeps
the course's warning in view (pipeline/course_warning.py).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import click

from recommender import __version__
from recommender.core.answers import missing_safety_answers
from recommender.core.errors import BackplanError
from recommender.core.progress import (
    PSFS_ACTIVITIES,
    PSFS_EVERY_WEEKS,
    PSFS_NAME,
    RESCREEN,
    Block,
    CheckIn,
    Course,
    SafeExercise,
    pain_limit,
)
from recommender.pipeline.course_warning import CourseWarning, course_warning

if TYPE_CHECKING:
    from recommender.core.catalog import Catalog
    from recommender.pipeline.adapt import Progress
    from recommender.pipeline.recommend import Recommender, Result
    from recommender.pipeline.triage import Triage
    from recommender.store.courses import CourseRow, SafeRow, Store

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: A renewed block is planned over the longest plan, so that it can start from the
#: amounts the person does now and still have its weeks ahead (pipeline/adapt.py,
#: renewal_level).
RENEWAL_PLAN_WEEKS = 12


class TrackingError(BackplanError):
    """A check-in or a course that cannot be used as given (exit code 2)."""


def say(text: str) -> None:
    click.echo(text, err=True)


def parse_psfs(items: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """--psfs ACTIVITY=SCORE, three times (or not at all)."""
    if not items:
        return ()
    if len(items) != PSFS_ACTIVITIES:
        raise click.BadParameter(
            f"give {PSFS_ACTIVITIES} activities (you gave {len(items)})", param_hint="--psfs"
        )
    parsed = []
    for item in items:
        name, sep, score = item.rpartition("=")
        name = " ".join(name.split())
        if not sep or not name or not score.strip().isdigit() or int(score) > 10:
            raise click.BadParameter(
                f"{item!r}: write ACTIVITY=SCORE with a score from 0 to 10", param_hint="--psfs"
            )
        if len(name) > 80 or not name.isprintable():
            raise click.BadParameter(f"{item!r}: a short plain activity name", param_hint="--psfs")
        parsed.append((name, int(score)))
    return tuple(parsed)


def rules_version(rules_dir: Optional[str] = None) -> str:
    """A short fingerprint of the rule files a plan was made with."""
    from recommender.inputs.datafiles import bundled_dir

    folder = Path(rules_dir) if rules_dir else bundled_dir("rules")
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _recommender(rules_dir: Optional[str], engine: Optional[str]) -> Recommender:
    from recommender.pipeline.recommend import Recommender

    return Recommender.load(Path(rules_dir) if rules_dir else None, engine=engine)


# -- reading a course ---------------------------------------------------------------


def typed(row: CourseRow) -> Course:
    """A course as stored, with each block's result read into typed records."""
    from recommender.inputs.result_record import read_result

    blocks = tuple(
        Block(
            id=b.id,
            number=b.number,
            start=b.start,
            weeks=b.weeks,
            result=read_result(b.result, b.result_format),
            start_pain=b.start_pain,
            first_plan_week=b.first_plan_week,
            easier=b.easier,
            swaps=b.swaps,
            safe=_safe(b.safe),
            backplan_version=b.backplan_version,
            rules_version=b.rules_version,
        )
        for b in row.blocks
    )
    return Course(
        id=row.id,
        person=row.person,
        answers=row.answers,
        start=row.start,
        blocks=blocks,
        psfs=row.psfs,
        checkins=row.checkins,
        stopped=row.stopped,
        stopped_level=row.stopped_level,
    )


def _safe(raw: Optional[SafeRow]) -> Optional[tuple[SafeExercise, ...]]:
    if raw is None:
        return None
    return tuple(SafeExercise(key, str(value[0]), str(value[1])) for key, value in raw.items())


def safe_row(safe: Sequence[SafeExercise]) -> SafeRow:
    return {s.id: [s.name, s.position] for s in safe}


def _plan_only(block: Block, catalog: Catalog) -> tuple[SafeExercise, ...]:
    """What is known to be safe without the person's filters: the plan's own exercises
    (they passed them when it was made). No variant is offered from this alone."""
    assert block.result.plan is not None
    found: dict[str, SafeExercise] = {}
    for week in block.result.plan.weeks:
        for item in week.items():
            if item.id in catalog and item.id not in found:
                position = item.position or catalog[item.id].position
                found[item.id] = SafeExercise(item.id, item.name, position)
    return tuple(found.values())


def fill_safe(course: Course, recommender: Recommender) -> Course:
    """The course with every block knowing what passed the person's filters: blocks
    stored before backplan kept that are worked out from the answers now (where they
    are complete; else only the plan's own exercises count as safe)."""
    if all(block.safe is not None for block in course.blocks):
        return course
    from recommender.inputs.answers_file import validate_answers
    from recommender.pipeline.choices import safe_exercises

    complete = not missing_safety_answers(course.answers)
    answers = validate_answers(course.answers, "the stored answers") if complete else None
    blocks = []
    for block in course.blocks:
        if block.safe is None:
            safe = (
                safe_exercises(recommender, answers, block.result.level)
                if answers is not None
                else _plan_only(block, recommender.catalog)
            )
            block = dataclasses.replace(block, safe=safe)
        blocks.append(block)
    return dataclasses.replace(course, blocks=tuple(blocks))


def _open(db: Optional[str], person: Optional[str]) -> tuple[Store, Course]:
    from recommender.store.courses import Store

    store = Store.open(db)
    try:
        chosen = store.person(person)
        return store, typed(store.current_course(chosen.id))
    finally:
        # Read: the connections go back (a later write opens one again).
        store.close()


def follow(
    db: Optional[str], engine: Optional[str], person: Optional[str] = None
) -> tuple[Progress, Store, Recommender]:
    """The person's current course, every tracked week reviewed, with the whole
    pipeline loaded (for what needs the person's filters)."""
    from recommender.pipeline.adapt import Adapter

    store, course = _open(db, person)
    recommender = _recommender(None, engine)
    course = fill_safe(course, recommender)
    adapter = Adapter(recommender.rulebook.adapt, recommender.adapt_engine, recommender.catalog)
    return adapter.follow(course), store, recommender


def reviewed(db: Optional[str], engine: Optional[str], person: Optional[str] = None) -> Progress:
    """The current course reviewed with the adaptation rules alone: a report needs no
    plan engine, which costs more to compile than the whole review (unless a block from
    before backplan kept its safe exercises needs the filters)."""
    from recommender.inputs.catalog_file import load_catalog
    from recommender.pipeline.adapt import Adapter
    from recommender.rulebook.engines import create_engine
    from recommender.rulebook.rules import load_rulebook

    store, course = _open(db, person)
    if any(block.safe is None for block in course.blocks):
        return follow(db, engine, person)[0]
    catalog = load_catalog()
    book = load_rulebook(catalog)
    adapter = Adapter(book.adapt, create_engine(book.adapt_conditions(), engine), catalog)
    return adapter.follow(course)


# -- the warning kept in view ---------------------------------------------------------


def emergency_code(country: Optional[str], answers: dict[str, Any]) -> Optional[str]:
    """The country whose number warnings name: --country, else the answers' own."""
    code = country or answers.get("country")
    return code if isinstance(code, str) else None


def warning_of(
    answers: dict[str, Any],
    plan_level: str,
    stopped_level: Optional[str],
    stopped: bool,
    rescreens: Sequence[str],
    country: Optional[str],
    why: tuple[str, ...] = (),
) -> CourseWarning:
    """The course's warning, from what a check-in reads (no plan, no rulebook)."""
    from recommender.inputs.countries import emergency_number

    neck = "neck" in (answers.get("pain_areas") or ())
    return course_warning(
        plan_level,
        rescreens,
        stopped_level,
        stopped,
        neck,
        emergency_number(emergency_code(country, answers)),
        why,
    )


def progress_warning(progress: Progress, country: Optional[str]) -> CourseWarning:
    """The course's warning, with what raised it: the plan's flags and the symptoms
    reported in the current block."""
    course = progress.course
    block = course.block
    why = [f"{flag.title} (from your answers)" for flag in block.result.triage.flags]
    reported = [r for r in progress.current.reviews if r.summary.new_red_flags]
    for review in reported:
        flags = ", ".join(f.replace("_", " ") for f in review.summary.new_red_flags)
        why.append(f"{flags} (new at week {review.week})")
    rescreens = [r.summary.rescreen for r in progress.current.reviews]
    return warning_of(
        course.answers,
        block.result.level,
        course.stopped_level,
        bool(progress.stopped),
        rescreens,
        country,
        tuple(why),
    )


def warning_lines(warning: CourseWarning, width: int = 78) -> list[str]:
    """The level line in its box, and what raised it (nothing at level `none`)."""
    from recommender.render.boxes import box, wrap

    if warning.line is None:
        return []
    lines = box(warning.line, width=width)
    if warning.why:
        lines += wrap("Why: " + "; ".join(warning.why) + ".", width=width)
    return lines


# -- start ----------------------------------------------------------------------------


def start(
    db: Optional[str],
    person_given: Optional[str],
    country: Optional[str],
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    first_day: dt.date,
    weeks: int,
    psfs: tuple[tuple[str, int], ...],
    engine: Optional[str],
    new_course: bool,
) -> None:
    import sys

    from recommender.core.answers import in_country
    from recommender.inputs.answers_file import example_answers, read_answers
    from recommender.pipeline.adapt import session_days
    from recommender.pipeline.choices import safe_exercises
    from recommender.render import render_result
    from recommender.store.courses import NewBlock, Store
    from recommender.store.database import NotTracking, StoreError

    if example == bool(answers_path):
        raise click.UsageError("give either --answers FILE or --example")
    answers = example_answers() if example else read_answers(str(answers_path), sys.stdin.buffer)
    try:
        answers = dataclasses.replace(answers, start_date=first_day)
    except ValueError as exc:
        raise click.BadParameter(
            str(exc).removeprefix("start_date: "), param_hint="--start"
        ) from None
    answers = in_country(answers, country)
    recommender = _recommender(rules_dir, engine)
    result = recommender.recommend(answers, weeks=weeks)
    if result.plan is None:
        click.echo(render_result(result, "text"), nl=False)
        say("Tracking needs a plan, and these answers give none: nothing was stored.")
        return
    from recommender.inputs.result_record import read_result

    record = read_result(result.to_dict())
    assert record.plan is not None
    store = Store.open(db, create=True)
    try:
        person = _person_to_start(store, person_given, answers.name)
        if not new_course:
            _refuse_a_second_course(store, person)
        safe = safe_exercises(recommender, answers, result.triage.level)
        block = NewBlock(
            start=first_day,
            weeks=weeks,
            start_pain=answers.pain_intensity,
            level=result.triage.level,
            session_days=session_days(record.plan),
            safe=safe_row(safe),
        )
        store.start_course(
            person.id,
            answers.fact(),
            result.to_dict(),
            psfs,
            (__version__, rules_version(rules_dir)),
            block,
        )
    except (StoreError, NotTracking):
        store.discard_if_new()
        raise
    finally:
        store.close()
    click.echo(
        f"Tracking started for {person.name}: week 1 begins on {first_day:%A %d %B %Y}, "
        f"{weeks} weeks planned.\n"
        "After your sessions, check in with `backplan track checkin`; "
        "`backplan track status` shows this week's plan.\n"
    )
    warning = course_warning(
        result.triage.level, (), None, False, "neck" in answers.pain_areas, result.emergency_number
    )
    for line in warning_lines(warning):
        click.echo(line)
    say(_stored_in(store))


def _stored_in(store: Store) -> str:
    from recommender.store.database import sqlite_path

    if sqlite_path(store.url) is None:
        return (
            f"Stored in the shared database {store.where}: whoever has an account on that "
            "server with access to it can read it."
        )
    if store.private:
        return f"Stored in {store.where} (private to you)."
    return f"Stored in {store.where} (others on this computer can read it)."


def _person_to_start(store: Store, given: Optional[str], answers_name: Optional[str]) -> Any:
    """The person a new course is for: the one `--person` names (added when new), or
    the only one, or (in a new database) a new one named as the answers say."""
    from recommender.store.people import PersonError, choose, matching

    everyone = store.people()
    if given is not None:
        found = matching(everyone, given)
        if len(found) > 1:
            choose(everyone, given, store.where)  # says which ids to choose from
        return found[0] if found else store.add_person(given)
    if not everyone:
        try:
            return store.add_person(answers_name or "me")
        except PersonError:
            return store.add_person("me")
    return choose(everyone, None, store.where)


def _refuse_a_second_course(store: Store, person: Any) -> None:
    from recommender.store.database import NotTracking

    try:
        current = store.current_course(person.id, with_checkins=False)
    except NotTracking:
        return
    if current.stopped:
        return  # a clinician has seen them: a new course starts afresh
    block = current.blocks[-1]
    raise TrackingError(
        f"{person.name} already has a course (started {current.start:%d %B %Y}, now in "
        f"block {block.number}): `backplan track renew` plans its next block from where "
        "you are and keeps its history (add --days or --minutes to change them). To "
        "start a separate course anyway, add --new-course"
    )


# -- check-in -------------------------------------------------------------------------


def _block_week(block: Any, day: dt.date, given: Optional[int]) -> int:
    """The week of the block a check-in is for; refused outside the block."""
    if given is None and day < block.start:
        began = "the course" if block.number == 1 else f"block {block.number}"
        raise TrackingError(f"{day} is before {began} began ({block.start})")
    week = given or (day - block.start).days // 7 + 1
    if week > block.weeks:
        end = block.start + dt.timedelta(days=7 * block.weeks - 1)
        raise TrackingError(
            f"your {block.weeks}-week block ended on {end:%A %d %B %Y}: to record its last "
            f"week, add --week {block.weeks}; to go on, plan the next block with "
            "`backplan track renew`"
        )
    return week


def _days_of(block: Any, week: int) -> list[str]:
    days = block.session_days or [[]]
    return [str(d) for d in days[min(week, len(days)) - 1]]


def _sessions(value: str, days: list[str]) -> int:
    text = value.strip().lower()
    if text.isdigit():
        count = int(text)
        if count > 7:
            raise click.BadParameter(f"{count} sessions in a week is too many", param_hint="--done")
        return count
    named = [d.strip() for d in text.replace(" ", ",").split(",") if d.strip()]
    unknown = [d for d in named if d not in WEEKDAYS]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: give a number or weekdays such as {','.join(days[:2])}",
            param_hint="--done",
        )
    return len(set(named))


def _red_flag_names() -> list[str]:
    from recommender.core.answers import answer_keys

    return [key.split(".", 1)[1] for key in answer_keys() if key.startswith("red_flags.")]


def _outlook_names() -> list[str]:
    from recommender.core.answers import answer_keys

    return [key.split(".", 1)[1] for key in answer_keys() if key.startswith("outlook.")]


def _named_exercises(
    given: Sequence[str], option: str, safe: Optional[SafeRow], catalog_names: Any
) -> tuple[str, ...]:
    """Exercises named by id or by name (any case), as ids; a name that is no exercise
    of the person's is refused, naming it."""
    names = safe if safe is not None else catalog_names()
    lookup: dict[str, str] = {}
    for exercise_id, value in names.items():
        lookup[exercise_id.casefold()] = exercise_id
        lookup[" ".join(str(value[0]).split()).casefold()] = exercise_id
    found = []
    for text in given:
        key = " ".join(text.split()).casefold()
        if key not in lookup:
            raise click.BadParameter(
                f"{text[:60]!r} is not one of your exercises (give its name as `backplan "
                "track status` shows it)",
                param_hint=option,
            )
        found.append(lookup[key])
    return tuple(dict.fromkeys(found))


def _catalog_names() -> dict[str, list[str]]:
    from recommender.inputs.catalog_file import load_catalog

    return {e.id: [e.name, e.position] for e in load_catalog()}


def _ask(
    days: list[str],
    week: int,
    given: dict[str, Any],
    course_answers: dict[str, Any],
    psfs: tuple[tuple[str, int], ...],
    week_list: Any,
    limit: int,
) -> None:
    """The check-in as a conversation on standard error (answers from standard input)."""
    say(f"Check-in for week {week}. This week's plan has sessions on {', '.join(days)}.")
    given["done"] = click.prompt(
        "Sessions done since the last check-in (a number, or the days)", default="0", err=True
    )
    given["exercise_pain"] = click.prompt(
        "Highest pain during the exercises, 0-10", type=click.IntRange(0, 10), err=True
    )
    given["next_morning"] = click.prompt(
        "The next morning, was the pain better, the same or worse than before?",
        type=click.Choice(("better", "same", "worse")),
        default="same",
        err=True,
    )
    if given["exercise_pain"] > limit or given["next_morning"] == "worse":
        given["hurt"] = _pick_exercises(
            week_list(),
            f"Which exercises hurt more than they should (over {limit} out of 10, or "
            "worse the next morning)?",
        )
    given["usual_pain"] = click.prompt(
        "Your usual pain this week, 0-10", type=click.IntRange(0, 10), err=True
    )
    if given["exercise_pain"] <= 3 and given["next_morning"] != "worse":
        given["too_easy"] = _pick_exercises(week_list(), "Was any exercise too easy?")
    if click.confirm(
        "Any new or changed symptom since your last check-in?", default=False, err=True
    ):
        from recommender.inputs.questionnaire import load_questionnaire

        questions = {q.key: q for q in load_questionnaire().questions}
        say("Answer y or n to each warning sign, thinking of the time since your last check-in.")
        new = []
        for name in _red_flag_names():
            question = questions.get(f"red_flags.{name}")
            if question is not None and question.skipped(course_answers.get("age")):
                continue  # not asked at this age, as in the intake
            words = question.full_text() if question else name.replace("_", " ")
            if click.confirm(f"  {words}", default=False, err=True):
                new.append(name)
        given["new_symptom"] = tuple(new)
    if psfs and week % PSFS_EVERY_WEEKS == 0:
        say(
            f"Every two weeks: the {PSFS_NAME}, your three activities, each from 0 "
            "(unable to do it) to 10 (as well as before the problem)."
        )
        scores = [
            click.prompt(f"  {name}, 0-10", type=click.IntRange(0, 10), err=True)
            for name, _ in psfs
        ]
        given["psfs"] = ",".join(str(s) for s in scores)


def _pick_exercises(listed: list[tuple[str, str]], question: str) -> tuple[str, ...]:
    """Exercises chosen by their numbers from the week's list (none: just Enter)."""
    if not listed:
        return ()
    say(question)
    for number, (_, name) in enumerate(listed, 1):
        say(f"  {number}. {name}")

    def parse(text: str) -> tuple[str, ...]:
        picked = []
        for part in text.replace(" ", ",").split(","):
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= len(listed):
                raise click.BadParameter(f"give numbers from 1 to {len(listed)}, or nothing")
            picked.append(listed[int(part) - 1][0])
        return tuple(dict.fromkeys(picked))

    chosen: tuple[str, ...] = click.prompt(
        "Their numbers, separated by commas (Enter for none)",
        default="",
        show_default=False,
        value_proc=parse,
        err=True,
    )
    return chosen


def _newer_questions(answers: dict[str, Any]) -> list[Any]:
    """The questions added since the course began that its stored answers lack, and
    that are asked at the person's age (the others are no, as in the intake)."""
    from recommender.inputs.questionnaire import load_questionnaire

    missing = set(missing_safety_answers(answers))
    if not missing:
        return []
    age = answers.get("age")
    return [q for q in load_questionnaire().questions if q.key in missing and not q.skipped(age)]


def _ask_newer(questions: list[Any]) -> dict[str, bool]:
    """Each newer question once, before the check-in (SPEC version 3: a course started
    under version 2 keeps working, and its new answers are screened like symptoms)."""
    if not questions:
        return {}
    say(
        f"backplan now asks {len(questions)} questions that it did not ask when your plan "
        "began. Please answer each once (y or n):"
    )
    return {
        q.key: click.confirm(f"  {' '.join(q.full_text().split())}", default=None, err=True)
        for q in questions
    }


def _completed(answers: dict[str, Any], answered: dict[str, bool]) -> dict[str, Any]:
    """The stored answers completed: the newer answers given, and no for those not
    asked at the person's age."""
    from recommender.core.paths import set_path

    answers = copy.deepcopy(answers)
    for key in missing_safety_answers(answers):
        set_path(answers, key, answered.get(key, False))
    return answers


def _rank(level: str) -> int:
    return RESCREEN.index(level)


def _psfs_scores(
    value: Optional[str], psfs: tuple[tuple[str, int], ...]
) -> Optional[tuple[int, ...]]:
    if not value:
        return None
    if not psfs:
        raise click.BadParameter(
            "this course has no PSFS activities (give them to `track start --psfs`)",
            param_hint="--psfs",
        )
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != len(psfs) or not all(p.isdigit() and int(p) <= 10 for p in parts):
        raise click.BadParameter(
            f"give {len(psfs)} scores from 0 to 10, separated by commas", param_hint="--psfs"
        )
    return tuple(int(p) for p in parts)


def rescreen(answers: dict[str, Any], new_flags: Sequence[str], recommender: Recommender) -> Result:
    """Triage again: the stored answers with the new symptoms answered yes."""
    from recommender.inputs.answers_file import validate_answers

    answers = dict(answers)
    answers["red_flags"] = {**answers["red_flags"], **dict.fromkeys(new_flags, True)}
    checked = validate_answers(answers, "the stored answers")
    return recommender.recommend(checked)


def _narrowed(result: Result, block_safe: Optional[SafeRow], recommender: Recommender) -> SafeRow:
    """What passes the person's filters with the answers a re-screen read, within what
    passed before: a new answer can only take exercises away."""
    from recommender.pipeline.choices import safe_exercises

    now = safe_row(safe_exercises(recommender, result.answers, result.triage.level))
    if block_safe is None:
        return now
    return {key: value for key, value in now.items() if key in block_safe}


def checkin(
    db: Optional[str],
    person_given: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    day: dt.date,
    given: dict[str, Any],
    interactive: bool,
) -> None:
    from recommender.store.quick import QuickStore

    # SQLite at the current schema: the quick path, without SQLAlchemy (store/quick.py).
    store: Any = QuickStore.open(db)
    if store is None:
        from recommender.store.courses import Store

        store = Store.open(db)
    try:
        _check_in(store, db, person_given, country, engine, day, given, interactive)
    finally:
        store.close()


def _check_in(
    store: Any,
    db: Optional[str],
    person_given: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    day: dt.date,
    given: dict[str, Any],
    interactive: bool,
) -> None:
    person = store.person(person_given)
    row = store.current_course(person.id, with_checkins=False)
    if row.stopped:
        raise TrackingError(
            f"this plan was stopped: {row.stopped} Start a new one with `backplan track "
            "start` once a clinician has seen you."
        )
    block = row.blocks[-1]
    week = _block_week(block, day, given["week"])
    newer = _newer_questions(row.answers)
    if newer and not interactive:
        raise TrackingError(
            f"this plan began before backplan asked {len(newer)} newer questions; answer "
            "them once with `backplan track checkin` (without options), then check in as "
            "before"
        )
    days = _days_of(block, week)
    answered: dict[str, bool] = {}
    if interactive:
        try:
            answered = _ask_newer(newer)
            listed = _WeekList(db, person_given, engine, week)
            limit = pain_limit(_latest_usual_pain(listed, block.start_pain))
            _ask(days, week, given, row.answers, row.psfs, listed, limit)
        except (click.Abort, EOFError):
            # Ctrl-C or the end of the input part-way: nothing half-written.
            say("\nCheck-in stopped; nothing was saved.")
            raise SystemExit(1) from None
    hurt = _named_exercises(given.get("hurt") or (), "--hurt", block.safe, _catalog_names)
    too_easy = _named_exercises(
        given.get("too_easy") or (), "--too-easy", block.safe, _catalog_names
    )
    unknown = [f for f in given["new_symptom"] if f not in _red_flag_names()]
    if unknown:
        raise click.BadParameter(
            f"unknown red flag {unknown[0]!r} (known: {', '.join(_red_flag_names())})",
            param_hint="--new-symptom",
        )
    entry_psfs = _psfs_scores(given["psfs"], row.psfs)
    sessions_done = _sessions(given["done"], days) if given["done"] else 0
    answers = row.answers
    incomplete = bool(missing_safety_answers(answers))
    if incomplete:
        answers = _completed(answers, answered)
        store.update_answers(row.id, answers)
    new_flags = tuple(sorted(set(given["new_symptom"])))
    recommender = _recommender(None, engine) if new_flags or incomplete else None
    result = rescreen(answers, new_flags, recommender) if recommender is not None else None
    found: Optional[Triage] = result.triage if result is not None else None
    if found is not None and not new_flags and _rank(found.level) <= _rank(block.level):
        found = None  # the newer answers change nothing: nothing new to act on
    entry = CheckIn(
        week=week,
        recorded=dt.datetime.combine(day, dt.datetime.now().time().replace(microsecond=0)),
        sessions_done=sessions_done,
        exercise_pain=given["exercise_pain"],
        next_morning=given["next_morning"],
        usual_pain=given["usual_pain"],
        new_red_flags=new_flags,
        rescreen=found.level if found else None,
        psfs=entry_psfs,
        hurt=hurt,
        too_easy=too_easy,
        block=block.number,
    )
    store.add_checkin(row.id, block.id, entry)
    if result is not None and recommender is not None and result.plan is not None:
        store.update_safe(block.id, _narrowed(result, block.safe, recommender))
    if found is not None:
        from recommender.render.text import render_warning
    if found is not None and found.level in ("urgent", "emergency"):
        symptoms = ", ".join(flag.replace("_", " ") for flag in new_flags)
        what = f"a new symptom ({symptoms})" if new_flags else "an answer to a newer question"
        store.stop_course(row.id, f"{what} needs a clinician. {found.action}.", found.level)
        click.echo(render_warning(found), nl=False)
        click.echo("\nYour plan is stopped: please do not continue the exercises.")
        return
    click.echo(f"Check-in saved for week {week}.")
    warning = warning_of(row.answers, block.level, None, False, store.rescreens(block.id), country)
    if found is not None and found.level != "none":
        click.echo(render_warning(found), nl=False)
    else:
        for line in warning_lines(warning):
            click.echo(line)
    _echo_net(warning)
    click.echo("`backplan track status` shows what this means for your plan.")


def _echo_net(warning: CourseWarning) -> None:
    from recommender.render.boxes import safety_net_box, styler

    for box in (warning.escalation, warning.net):
        if box is not None:
            click.echo("")
            for line in safety_net_box(box, styler(False)):
                click.echo(line)


class _WeekList:
    """The exercises of the week being checked in, worked out only if asked for."""

    def __init__(self, db: Optional[str], person: Optional[str], engine: Optional[str], week: int):
        self.args = (db, engine, person)
        self.week = week
        self.progress: Optional[Progress] = None
        self.recommender: Optional[Recommender] = None
        self.listed: Optional[list[tuple[str, str]]] = None

    def reviewed(self) -> tuple[Progress, Recommender]:
        if self.progress is None or self.recommender is None:
            self.progress, _, self.recommender = follow(*self.args)
        return self.progress, self.recommender

    def __call__(self) -> list[tuple[str, str]]:
        if self.listed is None:
            from recommender.pipeline.adapt import adapted_week
            from recommender.pipeline.choices import Choices

            progress, recommender = self.reviewed()
            block = progress.course.block
            assert block.result.plan is not None
            choices = Choices(recommender.catalog, block.safe or ())
            week = adapted_week(
                block.result.plan, self.week, progress.level_for(self.week), choices
            )
            self.listed = [(a.item.id, a.item.name) for a in week.items()]
        return self.listed


def _latest_usual_pain(listed: _WeekList, start_pain: int) -> int:
    progress, _ = listed.reviewed()
    known = [r.facts["this_week"]["usual_pain"] for r in progress.reviews]
    return known[-1] if known else start_pain


# -- renew ----------------------------------------------------------------------------


def renew(
    db: Optional[str],
    person_given: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    day: dt.date,
    given: dict[str, Any],
) -> None:
    """Re-screen every red flag and the outlook questions, re-plan from the amounts the
    person does now (or easier), and start the course's next block."""
    from recommender.inputs.answers_file import validate_answers
    from recommender.inputs.result_record import read_result
    from recommender.pipeline.adapt import adapted_week, renewal_level, session_days
    from recommender.pipeline.choices import Choices, safe_exercises
    from recommender.render.text import render_warning
    from recommender.store.courses import NewBlock

    progress, store, recommender = follow(db, engine, person_given)
    course = progress.course
    if progress.stopped:
        raise TrackingError(
            f"this plan was stopped: {progress.stopped} Start a new course with `backplan "
            "track start` once a clinician has seen you."
        )
    current = course.block
    first_day = day
    if first_day <= current.start:
        raise click.BadParameter(
            f"the next block must begin after this one began ({current.start})",
            param_hint="--start",
        )
    interactive = given["interactive"]
    answers = copy.deepcopy(course.answers)
    newer = _newer_questions(answers)
    if newer and not interactive:
        raise TrackingError(
            f"this course began before backplan asked {len(newer)} newer questions; renew "
            "without options once to answer them"
        )
    latest = [r.facts["this_week"]["usual_pain"] for r in progress.reviews]
    pain_now = given["usual_pain"]
    try:
        if interactive:
            # The warning signs and the outlook are all asked below; of the newer
            # questions, only the history ones are asked first.
            history = [q for q in newer if not q.key.startswith(("red_flags.", "outlook."))]
            answers = _completed(answers, _ask_newer(history))
            _ask_rescreen(answers)
            if pain_now is None:
                pain_now = click.prompt(
                    "Your usual pain these days, 0-10",
                    type=click.IntRange(0, 10),
                    default=latest[-1] if latest else current.start_pain,
                    err=True,
                )
        else:
            _given_rescreen(answers, given)
    except (click.Abort, EOFError):
        say("\nRenewal stopped; nothing was changed.")
        raise SystemExit(1) from None
    if pain_now is None:
        pain_now = latest[-1] if latest else current.start_pain
    answers["pain_intensity"] = pain_now
    answers["start_date"] = first_day.isoformat()
    for key, option in (("days_per_week", "days"), ("minutes_per_session", "minutes")):
        if given[option] is not None:
            answers[key] = given[option]
    if country:
        answers["country"] = country
    weeks = given["weeks"] or current.weeks
    checked = validate_answers(answers, "the renewed answers")
    result = recommender.recommend(checked, weeks=RENEWAL_PLAN_WEEKS)
    versions = (__version__, rules_version(None))
    if result.triage.withholds_plan:
        store.update_answers(course.id, checked.fact())
        store.stop_course(
            course.id,
            f"the warning signs asked again before a new block need a clinician. "
            f"{result.triage.action}.",
            result.triage.level,
        )
        store.close()
        click.echo(render_warning(result.triage), nl=False)
        click.echo("\nNo new block: please do not continue the exercises.")
        return
    if result.plan is None:
        from recommender.render import render_result

        click.echo(render_result(result, "text"), nl=False)
        say("These answers give no plan, so no new block was started; nothing was changed.")
        return
    record = read_result(result.to_dict())
    assert record.plan is not None and current.result.plan is not None
    doing = adapted_week(
        current.result.plan,
        current.weeks,
        progress.next_level,
        Choices(recommender.catalog, current.safe or ()),
    )
    level = renewal_level(record.plan, doing, progress.next_level, weeks)
    block = NewBlock(
        start=first_day,
        weeks=weeks,
        start_pain=pain_now,
        level=result.triage.level,
        session_days=session_days(record.plan),
        safe=safe_row(safe_exercises(recommender, checked, result.triage.level)),
        first_plan_week=level.week,
        easier=level.easier,
        swaps=level.swaps,
    )
    number = current.number + 1
    store.add_block(course.id, number, checked.fact(), result.to_dict(), versions, block)
    store.close()
    where = (
        f"the amounts of plan week {level.week}, where you are now"
        if level.week > 1
        else "the plan's first amounts" + (", in easier versions" if level.easier else "")
    )
    click.echo(
        f"Block {number} begins on {first_day:%A %d %B %Y}: {weeks} weeks, "
        f"{checked.days_per_week} days a week, up to {checked.minutes_per_session} minutes a "
        f"session, starting from {where}.\n"
        "`backplan track status` shows this week's plan; check in as before."
    )
    warning = course_warning(
        result.triage.level, (), None, False, "neck" in checked.pain_areas, result.emergency_number
    )
    if warning.level != "none":
        click.echo(render_warning(result.triage), nl=False)
    _echo_net(warning)


def _ask_rescreen(answers: dict[str, Any]) -> None:
    """Every warning sign asked at the person's age, and the outlook questions, each
    answered yes or no (no default: a safety answer is never assumed)."""
    from recommender.inputs.questionnaire import load_questionnaire

    questions = load_questionnaire().questions
    age = answers.get("age")
    say(
        "Before the next block, the warning-sign questions again: answer y or n for how "
        "things are now."
    )
    for section in ("red_flags", "outlook"):
        if section == "outlook":
            say("And how the pain sits with you now (y or n):")
        for question in questions:
            group, _, name = question.key.partition(".")
            if group != section:
                continue
            if question.skipped(age):
                answers[section][name] = False  # not asked at this age, as in the intake
                continue
            words = " ".join(question.full_text().split())
            answers[section][name] = click.confirm(f"  {words}", default=None, err=True)


def _given_rescreen(answers: dict[str, Any], given: dict[str, Any]) -> None:
    """The re-screen from the options: each warning sign named is yes and the others
    no, once the person has said so (--no-symptoms); the same for the outlook."""
    flags, outlook = _red_flag_names(), _outlook_names()
    for option, names, values in (
        ("--symptom", flags, given["symptom"]),
        ("--outlook", outlook, given["outlook"]),
    ):
        unknown = [v for v in values if v not in names]
        if unknown:
            raise click.BadParameter(
                f"unknown answer {unknown[0]!r} (known: {', '.join(names)})", param_hint=option
            )
    missing = []
    if not given["symptom"] and not given["no_symptoms"]:
        missing.append("--symptom NAME for each warning sign you have now, or --no-symptoms")
    if not given["outlook"] and not given["no_outlook"]:
        missing.append("--outlook NAME for each that is true now, or --no-outlook")
    if missing:
        raise click.UsageError(
            "a renewal asks every warning sign and the outlook questions again: give "
            + "; and ".join(missing)
            + " (or renew without these options to be asked)"
        )
    answers["red_flags"] = {name: name in given["symptom"] for name in flags}
    answers["outlook"] = {name: name in given["outlook"] for name in outlook}


# -- reading ----------------------------------------------------------------------------


def status(
    db: Optional[str],
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    week: Optional[int],
    day: dt.date,
) -> str:
    from recommender.pipeline.adapt import adapted_week
    from recommender.pipeline.choices import Choices
    from recommender.render.progress_text import render_block_over, render_status

    progress, _, recommender = follow(db, engine, person)
    warning = progress_warning(progress, country)
    block = progress.course.block
    if week is None and not progress.stopped and block.week_of(max(day, block.start)) > block.weeks:
        text = render_block_over(progress, day, warning)
    else:
        week = week or block.week_of(max(day, block.start))
        plan = None
        if not progress.stopped:
            assert block.result.plan is not None
            hurt = frozenset(h for r in progress.current.reviews for h in r.summary.hurt)
            choices = Choices(recommender.catalog, block.safe or ())
            plan = adapted_week(block.result.plan, week, progress.level_for(week), choices, hurt)
        text = render_status(progress, week, plan, warning, day)
    newer = _newer_questions(progress.course.answers)
    if newer and not progress.stopped:
        text = (
            f"backplan now asks {len(newer)} questions it did not ask when your plan began: "
            "answer them at your next check-in (`backplan track checkin`).\n\n" + text
        )
    return text


def report(
    db: Optional[str],
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    fmt: str,
    today: dt.date,
) -> str:
    progress = reviewed(db, engine, person)
    warning = progress_warning(progress, country)
    if fmt == "html":
        from recommender.render.progress_html import render_report_html

        return render_report_html(progress, warning, today)
    if fmt == "fhir":
        from recommender.render import to_json
        from recommender.render.progress_fhir import report_bundle

        return to_json(report_bundle(progress, warning))
    from recommender.render.progress_text import render_report

    return render_report(progress, warning, today)


def explain(db: Optional[str], person: Optional[str], engine: Optional[str], verbose: bool) -> str:
    from recommender.render.progress_text import render_explain

    return render_explain(reviewed(db, engine, person), verbose)


def people(db: Optional[str]) -> str:
    from recommender.render.progress_text import render_people
    from recommender.store.courses import Store

    store = Store.open(db)
    try:
        return render_people(store.summaries(), store.where)
    finally:
        store.close()
