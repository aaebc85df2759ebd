"""The work behind `backplan track`: start a course, read one back and follow it
through the adaptation rules (status, report, explain, people), and what the other
commands share (app/checkin.py records check-ins, app/renewal.py starts a next block).

Every command is about one person's course: the only person in a personal database,
or the one `--person` names in a shared one (store/people.py). Whatever the level,
every output keeps the course's warning in view (pipeline/course_warning.py).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import click

from recommender import __version__
from recommender.core.answers import Answers, answer_keys, in_country, missing_safety_answers
from recommender.core.errors import BackplanError
from recommender.core.paths import set_path
from recommender.core.progress import (
    PSFS_ACTIVITIES,
    Block,
    Course,
    SafeExercise,
)
from recommender.core.typed import quoted, whole_number
from recommender.inputs.countries import emergency_number
from recommender.pipeline.course_warning import CourseWarning, course_warning
from recommender.render import render_result, to_json
from recommender.render.boxes import box, safety_net_box, styler, wrap
from recommender.rulebook.engines import create_engine
from recommender.store.courses import NewBlock, Store
from recommender.store.database import NotTracking, StoreError, sqlite_path
from recommender.store.people import PersonError, choose, matching

if TYPE_CHECKING:
    from recommender.core.catalog import Catalog
    from recommender.pipeline.adapt import AdaptedWeek, Progress
    from recommender.pipeline.recommend import Recommender, Result
    from recommender.store.courses import CourseRow, SafeRow


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
        name, sep, written = item.rpartition("=")
        name = " ".join(name.split())
        score = whole_number(written)
        if not sep or not name or score is None or score > 10:
            raise click.BadParameter(
                f"{quoted(item)}: write ACTIVITY=SCORE with a score from 0 to 10",
                param_hint="--psfs",
            )
        if len(name) > 80 or not name.isprintable():
            raise click.BadParameter(
                f"{quoted(item)}: a short plain activity name", param_hint="--psfs"
            )
        parsed.append((name, score))
    return tuple(parsed)


def rules_version(rules_dir: Optional[str] = None) -> str:
    """A short fingerprint of the rule files a plan was made with."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.inputs.fingerprint import rules_fingerprint

    return rules_fingerprint(rules_dir)


def recommender_for(rules_dir: Optional[str], engine: Optional[str]) -> Recommender:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.pipeline.recommend import Recommender

    return Recommender.load(Path(rules_dir) if rules_dir else None, engine=engine)


# -- reading a course ---------------------------------------------------------------


def typed(row: CourseRow) -> Course:
    """A course as stored, with each block's result read into typed records."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
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
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
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
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.pipeline.adapt import Adapter

    store, course = _open(db, person)
    recommender = recommender_for(None, engine)
    course = fill_safe(course, recommender)
    adapter = Adapter(recommender.rulebook.adapt, recommender.adapt_engine, recommender.catalog)
    return adapter.follow(course), store, recommender


def reviewed(db: Optional[str], engine: Optional[str], person: Optional[str] = None) -> Progress:
    """The current course reviewed with the adaptation rules alone: a report needs no
    plan engine, which costs more to compile than the whole review (unless a block from
    before backplan kept its safe exercises needs the filters)."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.inputs.catalog_file import load_catalog
    from recommender.pipeline.adapt import Adapter
    from recommender.rulebook.rules import load_rulebook

    store, course = _open(db, person)
    if any(block.safe is None for block in course.blocks):
        return follow(db, engine, person)[0]
    catalog = load_catalog()
    book = load_rulebook(catalog)
    adapter = Adapter(book.adapt, create_engine(book.adapt_conditions(), engine), catalog)
    return adapter.follow(course)


def week_as_adapted(progress: Progress, recommender: Recommender, week: int) -> AdaptedWeek:
    """Week `week` of the current block as the weeks reviewed before it adapted it:
    what `status` lists and `backplan session` guides."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.pipeline.adapt import adapted_week
    from recommender.pipeline.choices import Choices

    block = progress.course.block
    assert block.result.plan is not None, "a block always has a plan"
    hurt = frozenset(h for r in progress.current.reviews for h in r.summary.hurt)
    choices = Choices(recommender.catalog, block.safe or ())
    return adapted_week(block.result.plan, week, progress.level_for(week), choices, hurt)


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
    if warning.line is None:
        return []
    lines = box(warning.line, width=width)
    if warning.why:
        lines += wrap("Why: " + "; ".join(warning.why) + ".", width=width)
    return lines


def echo_net(warning: CourseWarning) -> None:
    for advice in (warning.escalation, warning.net):
        if advice is not None:
            click.echo("")
            for line in safety_net_box(advice, styler(False)):
                click.echo(line)


# -- the questions asked again --------------------------------------------------------


def red_flag_names() -> list[str]:
    return [key.split(".", 1)[1] for key in answer_keys() if key.startswith("red_flags.")]


def outlook_names() -> list[str]:
    return [key.split(".", 1)[1] for key in answer_keys() if key.startswith("outlook.")]


def newer_questions(answers: dict[str, Any]) -> list[Any]:
    """The questions added since the course began that its stored answers lack, and
    that are asked at the person's age (the others are no, as in the intake)."""
    missing = set(missing_safety_answers(answers))
    if not missing:
        return []
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.inputs.questionnaire import load_questionnaire

    age = answers.get("age")
    return [q for q in load_questionnaire().questions if q.key in missing and not q.skipped(age)]


def ask_newer(questions: list[Any]) -> dict[str, bool]:
    """Each newer question once, before the check-in (docs/answers.md, "Versions": a
    course started before version 3 keeps working, and its new answers are screened
    like symptoms)."""
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


def completed(answers: dict[str, Any], answered: dict[str, bool]) -> dict[str, Any]:
    """The stored answers completed: the newer answers given, and no for those not
    asked at the person's age."""
    answers = copy.deepcopy(answers)
    for key in missing_safety_answers(answers):
        set_path(answers, key, answered.get(key, False))
    return answers


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
    answers = _answers_to_start(example, answers_path, first_day, country)
    recommender = recommender_for(rules_dir, engine)
    result = recommender.recommend(answers, weeks=weeks)
    if result.plan is None:
        click.echo(render_result(result, "text"), nl=False)
        say("Tracking needs a plan, and these answers give none: nothing was stored.")
        return
    store = Store.open(db, create=True)
    try:
        person = _person_to_start(store, person_given, answers.name)
        if not new_course:
            _refuse_a_second_course(store, person)
        _store_course(store, person.id, recommender, result, first_day, weeks, psfs, rules_dir)
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


def _answers_to_start(
    example: bool, answers_path: Optional[str], first_day: dt.date, country: Optional[str]
) -> Answers:
    """The answers a course starts from (--answers or --example), dated from its first
    day and in the person's country."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    import sys

    from recommender.inputs.answers_file import example_answers, read_answers

    if example == bool(answers_path):
        raise click.UsageError("give either --answers FILE or --example")
    answers = example_answers() if example else read_answers(str(answers_path), sys.stdin.buffer)
    try:
        answers = dataclasses.replace(answers, start_date=first_day)
    except ValueError as exc:
        raise click.BadParameter(
            str(exc).removeprefix("start_date: "), param_hint="--start"
        ) from None
    return in_country(answers, country)


def _store_course(
    store: Store,
    person_id: int,
    recommender: Recommender,
    result: Result,
    first_day: dt.date,
    weeks: int,
    psfs: tuple[tuple[str, int], ...],
    rules_dir: Optional[str],
) -> None:
    """The course's first block: the result, the days its sessions fall on and the
    exercises that were safe for the person, stored in one transaction."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.inputs.result_record import read_result
    from recommender.pipeline.adapt import session_days
    from recommender.pipeline.choices import safe_exercises

    record = read_result(result.to_dict())
    assert record.plan is not None
    answers = result.answers
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
        person_id,
        answers.fact(),
        result.to_dict(),
        psfs,
        (__version__, rules_version(rules_dir)),
        block,
    )


def _stored_in(store: Store) -> str:
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


# -- reading ----------------------------------------------------------------------------


def status(
    db: Optional[str],
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    week: Optional[int],
    day: dt.date,
) -> str:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.render.progress_text import render_block_over, render_status

    progress, _, recommender = follow(db, engine, person)
    warning = progress_warning(progress, country)
    block = progress.course.block
    if week is None and not progress.stopped and block.week_of(max(day, block.start)) > block.weeks:
        text = render_block_over(progress, day, warning)
    else:
        week = week or block.week_of(max(day, block.start))
        plan = None if progress.stopped else week_as_adapted(progress, recommender, week)
        text = render_status(progress, week, plan, warning, day)
    newer = newer_questions(progress.course.answers)
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
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from recommender.render.progress_html import render_report_html

        return render_report_html(progress, warning, today)
    if fmt == "fhir":
        # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
        from recommender.render.progress_fhir import report_bundle

        return to_json(report_bundle(progress, warning))
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.render.progress_text import render_report

    return render_report(progress, warning, today)


def explain(db: Optional[str], person: Optional[str], engine: Optional[str], verbose: bool) -> str:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.render.progress_text import render_explain

    return render_explain(reviewed(db, engine, person), verbose)


def people(db: Optional[str]) -> str:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.render.progress_text import render_people

    store = Store.open(db)
    try:
        return render_people(store.summaries(), store.where)
    finally:
        store.close()
