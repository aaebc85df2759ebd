"""`backplan track checkin`: record a session or a week, on the quick path where it
can (store/quick.py), re-screen new symptoms and answer with the course's warning.

A new red-flag answer re-runs triage on the stored answers with that symptom added;
`urgent` or `emergency` stops the plan at once, with the warning, and the stop is
stored so that no later command shows exercises again; any new answer runs the safety
filters again, and the block keeps what passes. Nothing is imported here that a quick
check-in does not need (benchmarks/tracking.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

import click

from recommender.app.tracking import (
    TrackingError,
    ask_newer,
    completed,
    echo_net,
    follow,
    newer_questions,
    recommender_for,
    red_flag_names,
    safe_row,
    say,
    warning_lines,
    warning_of,
)
from recommender.core.answers import missing_safety_answers
from recommender.core.progress import PSFS_EVERY_WEEKS, PSFS_NAME, RESCREEN, CheckIn, pain_limit
from recommender.core.typed import escaped, quoted, whole_number
from recommender.core.wording import WEEKDAYS
from recommender.store.courses import Store
from recommender.store.quick import QuickStore

if TYPE_CHECKING:
    from recommender.pipeline.adapt import Progress
    from recommender.pipeline.recommend import Recommender, Result
    from recommender.pipeline.triage import Triage
    from recommender.store.checkin_store import CheckInStore
    from recommender.store.courses import BlockRow, CourseRow, SafeRow


@dataclass
class CheckinOptions:
    """What a check-in was given: `track checkin`'s options, the answers to its
    questions (filled in as they are asked), or a guided session's outcome."""

    week: Optional[int] = None
    done: Optional[str] = None
    """Sessions done: a number, or the weekdays"""
    exercise_pain: Optional[int] = None
    next_morning: Optional[str] = None
    usual_pain: Optional[int] = None
    hurt: tuple[str, ...] = ()
    too_easy: tuple[str, ...] = ()
    new_symptom: tuple[str, ...] = ()
    no_new_symptoms: bool = False
    psfs: Optional[str] = None
    """The three activities' scores, as A,B,C"""

    @property
    def measured(self) -> bool:
        """Anything of the week was given (else the check-in asks)."""
        return bool(
            self.done
            or self.exercise_pain
            or self.next_morning
            or self.usual_pain
            or self.new_symptom
            or self.psfs
            or self.hurt
            or self.too_easy
        )


def checkin(
    db: Optional[str],
    person_given: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    day: dt.date,
    given: CheckinOptions,
    interactive: bool,
) -> None:
    # SQLite at the current schema: the quick path, without SQLAlchemy (store/quick.py).
    store: Optional[CheckInStore] = QuickStore.open(db)
    if store is None:
        store = Store.open(db)
    try:
        _check_in(store, db, person_given, country, engine, day, given, interactive)
    finally:
        store.close()


def _check_in(
    store: CheckInStore,
    db: Optional[str],
    person_given: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    day: dt.date,
    given: CheckinOptions,
    interactive: bool,
) -> None:
    person = store.person(person_given)
    row = store.current_course(person.id, with_checkins=False)
    block, week = _open_week(row, day, given.week)
    newer = newer_questions(row.answers)
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
            answered = ask_newer(newer)
            listed = _WeekList(db, person_given, engine, week)
            limit = pain_limit(_latest_usual_pain(listed, block.start_pain))
            _ask(days, week, given, row.answers, row.psfs, listed, limit)
        except (click.Abort, EOFError):
            # Ctrl-C or the end of the input part-way: nothing half-written.
            say("\nCheck-in stopped; nothing was saved.")
            raise SystemExit(1) from None
    hurt = _named_exercises(given.hurt, "--hurt", block.safe, _catalog_names)
    too_easy = _named_exercises(given.too_easy, "--too-easy", block.safe, _catalog_names)
    unknown = [f for f in given.new_symptom if f not in red_flag_names()]
    if unknown:
        raise click.BadParameter(
            f"unknown red flag {quoted(unknown[0])} (known: {', '.join(red_flag_names())})",
            param_hint="--new-symptom",
        )
    reported = Reported(
        week=week,
        sessions_done=_sessions(given.done, days) if given.done else 0,
        exercise_pain=given.exercise_pain,
        next_morning=given.next_morning,
        usual_pain=given.usual_pain,
        new_flags=tuple(sorted(set(given.new_symptom))),
        psfs=_psfs_scores(given.psfs, row.psfs),
        hurt=hurt,
        too_easy=too_easy,
    )
    saved = record(
        store, row, block, reported, day, answered, lambda: recommender_for(None, engine)
    )
    found = saved.found
    if saved.stopped:
        assert found is not None
        _echo_warning(found)
        click.echo("\nYour plan is stopped: please do not continue the exercises.")
        return
    click.echo(f"Check-in saved for week {week}.")
    warning = warning_of(row.answers, block.level, None, False, store.rescreens(block.id), country)
    if found is not None and found.level != "none":
        _echo_warning(found)
    else:
        for line in warning_lines(warning):
            click.echo(line)
    echo_net(warning)
    click.echo("`backplan track status` shows what this means for your plan.")


def _echo_warning(found: Triage) -> None:
    """What a re-screen found, in words (rendering is loaded only when it is needed)."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.render.text import render_warning

    click.echo(render_warning(found), nl=False)


class Reported(NamedTuple):
    """What a check-in reports, read and checked (from the command's options or
    questions, or from the clinic's check-in page)."""

    week: int
    sessions_done: int
    exercise_pain: Optional[int]
    next_morning: Optional[str]
    usual_pain: Optional[int]
    new_flags: tuple[str, ...]
    psfs: Optional[tuple[int, ...]]
    hurt: tuple[str, ...]
    too_easy: tuple[str, ...]


class Recorded(NamedTuple):
    """A check-in stored: the entry, what a re-screen found that is new (None when
    nothing was asked again, or nothing changed), and whether the plan stopped."""

    entry: CheckIn
    found: Optional[Triage]
    stopped: bool


def record(
    store: CheckInStore,
    row: CourseRow,
    block: BlockRow,
    reported: Reported,
    day: dt.date,
    answered: dict[str, bool],
    recommender: Callable[[], Recommender],
) -> Recorded:
    """Store a check-in in the course `row` (its current `block`): the newer answers
    kept, new symptoms re-screened (urgent or emergency stops the plan at once, with
    the reason stored), the block's safe exercises narrowed by any new answer. The one
    path for `backplan track checkin` and the clinic's check-in page."""
    answers = row.answers
    incomplete = bool(missing_safety_answers(answers))
    if incomplete:
        answers = completed(answers, answered)
        store.update_answers(row.id, answers)
    new_flags = reported.new_flags
    engine = recommender() if new_flags or incomplete else None
    result = rescreen(answers, new_flags, engine) if engine is not None else None
    found: Optional[Triage] = result.triage if result is not None else None
    if found is not None and not new_flags and _rank(found.level) <= _rank(block.level):
        found = None  # the newer answers change nothing: nothing new to act on
    entry = CheckIn(
        week=reported.week,
        recorded=dt.datetime.combine(day, dt.datetime.now().time().replace(microsecond=0)),
        sessions_done=reported.sessions_done,
        exercise_pain=reported.exercise_pain,
        next_morning=reported.next_morning,
        usual_pain=reported.usual_pain,
        new_red_flags=new_flags,
        rescreen=found.level if found else None,
        psfs=reported.psfs,
        hurt=reported.hurt,
        too_easy=reported.too_easy,
        block=block.number,
    )
    store.add_checkin(row.id, block.id, entry)
    if result is not None and engine is not None and result.plan is not None:
        store.update_safe(block.id, _narrowed(result, block.safe, engine))
    stopped = found is not None and found.level in ("urgent", "emergency")
    if stopped:
        assert found is not None
        symptoms = ", ".join(flag.replace("_", " ") for flag in new_flags)
        what = f"a new symptom ({symptoms})" if new_flags else "an answer to a newer question"
        store.stop_course(row.id, f"{what} needs a clinician. {found.action}.", found.level)
    return Recorded(entry, found, stopped)


def _open_week(row: CourseRow, day: dt.date, given: Optional[int]) -> tuple[BlockRow, int]:
    """The course's current block and the week of it a check-in is for; refused for a
    stopped plan, and for a week outside the block or past the calendar's end."""
    if row.stopped:
        raise TrackingError(
            f"this plan was stopped: {escaped(row.stopped)} Start a new one with "
            "`backplan track start` once a clinician has seen you."
        )
    block = row.blocks[-1]
    week = _block_week(block, day, given)
    if (dt.date.max - block.start).days < 7 * (week - 1):
        raise TrackingError(
            f"week {week} of this block would begin after {dt.date.max}, the last day a "
            "calendar holds"
        )
    return block, week


def _block_week(block: BlockRow, day: dt.date, given: Optional[int]) -> int:
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


def _days_of(block: BlockRow, week: int) -> list[str]:
    days = block.session_days or [[]]
    return [str(d) for d in days[min(week, len(days)) - 1]]


def _sessions(value: str, days: list[str]) -> int:
    text = value.strip().lower()
    count = whole_number(text)
    if count is not None:
        if count > 7:
            raise click.BadParameter(f"{count} sessions in a week is too many", param_hint="--done")
        return count
    named = [d.strip() for d in text.replace(" ", ",").split(",") if d.strip()]
    unknown = [d for d in named if d not in WEEKDAYS]
    if unknown:
        raise click.BadParameter(
            f"{quoted(', '.join(unknown))}: give a number or weekdays such as {','.join(days[:2])}",
            param_hint="--done",
        )
    return len(set(named))


def _named_exercises(
    given: Sequence[str],
    option: str,
    safe: Optional[SafeRow],
    catalog_names: Callable[[], SafeRow],
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
                f"{quoted(text, 60)} is not one of your exercises (give its name as `backplan "
                "track status` shows it)",
                param_hint=option,
            )
        found.append(lookup[key])
    return tuple(dict.fromkeys(found))


def _catalog_names() -> dict[str, list[str]]:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.inputs.catalog_file import load_catalog

    return {e.id: [e.name, e.position] for e in load_catalog()}


def _ask(
    days: list[str],
    week: int,
    given: CheckinOptions,
    course_answers: dict[str, Any],
    psfs: tuple[tuple[str, int], ...],
    week_list: _WeekList,
    limit: int,
) -> None:
    """The check-in as a conversation on standard error (answers from standard input)."""
    say(f"Check-in for week {week}. This week's plan has sessions on {', '.join(days)}.")
    given.done = click.prompt(
        "Sessions done since the last check-in (a number, or the days)", default="0", err=True
    )
    given.exercise_pain = click.prompt(
        "Highest pain during the exercises, 0-10", type=click.IntRange(0, 10), err=True
    )
    given.next_morning = click.prompt(
        "The next morning, was the pain better, the same or worse than before?",
        type=click.Choice(("better", "same", "worse")),
        default="same",
        err=True,
    )
    if given.exercise_pain > limit or given.next_morning == "worse":
        given.hurt = _pick_exercises(
            week_list(),
            f"Which exercises hurt more than they should (over {limit} out of 10, or "
            "worse the next morning)?",
        )
    given.usual_pain = click.prompt(
        "Your usual pain this week, 0-10", type=click.IntRange(0, 10), err=True
    )
    if given.exercise_pain <= 3 and given.next_morning != "worse":
        given.too_easy = _pick_exercises(week_list(), "Was any exercise too easy?")
    new: list[str] = []
    if ask_new_symptoms(course_answers, new):
        given.new_symptom = tuple(new)
    if psfs and week % PSFS_EVERY_WEEKS == 0:
        say(
            f"Every two weeks: the {PSFS_NAME}, your three activities, each from 0 "
            "(unable to do it) to 10 (as well as before the problem)."
        )
        scores = [
            click.prompt(f"  {name}, 0-10", type=click.IntRange(0, 10), err=True)
            for name, _ in psfs
        ]
        given.psfs = ",".join(str(s) for s in scores)


def ask_new_symptoms(course_answers: dict[str, Any], found: list[str]) -> bool:
    """Any new or changed symptom? If so, each warning sign asked at the person's age,
    y or n; each yes goes into `found` as it is given, so that a caller that keeps what
    was answered when the questions are cut short (Ctrl-C) never loses one. Whether
    they were asked."""
    if not click.confirm(
        "Any new or changed symptom since your last check-in?", default=False, err=True
    ):
        return False
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.inputs.questionnaire import load_questionnaire

    questions = {q.key: q for q in load_questionnaire().questions}
    say("Answer y or n to each warning sign, thinking of the time since your last check-in.")
    for name in red_flag_names():
        question = questions.get(f"red_flags.{name}")
        if question is not None and question.skipped(course_answers.get("age")):
            continue  # not asked at this age, as in the intake
        words = question.full_text() if question else name.replace("_", " ")
        if click.confirm(f"  {words}", default=False, err=True):
            found.append(name)
    return True


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
            number = whole_number(part)
            if number is None or not 1 <= number <= len(listed):
                raise click.BadParameter(f"give numbers from 1 to {len(listed)}, or nothing")
            picked.append(listed[number - 1][0])
        return tuple(dict.fromkeys(picked))

    chosen: tuple[str, ...] = click.prompt(
        "Their numbers, separated by commas (Enter for none)",
        default="",
        show_default=False,
        value_proc=parse,
        err=True,
    )
    return chosen


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
    scores = [whole_number(p) for p in value.split(",")]
    if len(scores) != len(psfs) or not all(s is not None and s <= 10 for s in scores):
        raise click.BadParameter(
            f"give {len(psfs)} scores from 0 to 10, separated by commas", param_hint="--psfs"
        )
    return tuple(s for s in scores if s is not None)


def rescreen(answers: dict[str, Any], new_flags: Sequence[str], recommender: Recommender) -> Result:
    """Triage again: the stored answers with the new symptoms answered yes."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.inputs.answers_file import validate_answers

    answers = dict(answers)
    answers["red_flags"] = {**answers["red_flags"], **dict.fromkeys(new_flags, True)}
    checked = validate_answers(answers, "the stored answers")
    return recommender.recommend(checked)


def _narrowed(result: Result, block_safe: Optional[SafeRow], recommender: Recommender) -> SafeRow:
    """What passes the person's filters with the answers a re-screen read, within what
    passed before: a new answer can only take exercises away."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from recommender.pipeline.choices import safe_exercises

    now = safe_row(safe_exercises(recommender, result.answers, result.triage.level))
    if block_safe is None:
        return now
    return {key: value for key, value in now.items() if key in block_safe}


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
            # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
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
    return usual_pain_now(progress, start_pain)


def usual_pain_now(progress: Progress, start_pain: int) -> int:
    """The usual pain latest reported (the block's starting pain before any), which
    sets the person's limit during exercise (`pain_limit`)."""
    known = [r.facts["this_week"]["usual_pain"] for r in progress.reviews]
    return known[-1] if known else start_pain
