"""The work behind `backplan track`: start a course, record check-ins, re-screen new
symptoms, and follow the course through the adaptation rules.

A new red-flag answer at a check-in re-runs triage on the stored answers with that
symptom added; `urgent` or `emergency` stops the plan at once, with the warning, and
the stop is stored so that no later command shows exercises again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import click

from recommender import __version__
from recommender.core.answers import missing_safety_answers
from recommender.core.errors import BackplanError
from recommender.core.progress import (
    PSFS_ACTIVITIES,
    PSFS_EVERY_WEEKS,
    RESCREEN,
    CheckIn,
    Course,
)
from recommender.core.typed import escaped, quoted, whole_number

if TYPE_CHECKING:
    from recommender.pipeline.adapt import Progress
    from recommender.pipeline.recommend import Recommender, Result
    from recommender.store.courses import Store

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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
    from recommender.inputs.datafiles import bundled_dir

    folder = Path(rules_dir) if rules_dir else bundled_dir("rules")
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _recommender(rules_dir: Optional[str], engine: Optional[str]) -> Recommender:
    from recommender.pipeline.recommend import Recommender

    return Recommender.load(Path(rules_dir) if rules_dir else None, engine=engine)


def start(
    db: Optional[str],
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    first_day: dt.date,
    weeks: int,
    psfs: tuple[tuple[str, int], ...],
    engine: Optional[str],
) -> None:
    import sys

    from recommender.inputs.answers_file import example_answers, read_answers
    from recommender.render import render_result
    from recommender.store.courses import Store

    if example == bool(answers_path):
        raise click.UsageError("give either --answers FILE or --example")
    answers = example_answers() if example else read_answers(str(answers_path), sys.stdin.buffer)
    try:
        answers = dataclasses.replace(answers, start_date=first_day)
    except ValueError as exc:
        raise click.BadParameter(
            str(exc).removeprefix("start_date: "), param_hint="--start"
        ) from None
    result = _recommender(rules_dir, engine).recommend(answers, weeks=weeks)
    if result.plan is None:
        click.echo(render_result(result, "text"), nl=False)
        say("Tracking needs a plan, and these answers give none: nothing was stored.")
        return
    store = Store.open(db, create=True)
    store.start_course(
        answers.fact(),
        result.to_dict(),
        first_day,
        psfs,
        (__version__, rules_version(rules_dir)),
    )
    click.echo(
        f"Tracking started: week 1 begins on {first_day:%A %d %B %Y}, {weeks} weeks planned.\n"
        "After your sessions, check in with `backplan track checkin`; "
        "`backplan track status` shows this week's plan.\n"
    )
    say(f"Stored in {store.where} (private to you).")


def _week_of(course: Course, day: dt.date) -> int:
    if day < course.start:
        raise TrackingError(f"{day} is before the course began ({course.start})")
    return min((day - course.start).days // 7 + 1, 52)


def _plan_days(course: Course, week: int) -> list[str]:
    weeks = (course.result.get("plan") or {}).get("weeks") or []
    if not weeks:
        return []
    chosen = weeks[min(week, len(weeks)) - 1]
    return [session["day"] for session in chosen.get("sessions", [])]


def _sessions(value: str, course: Course, week: int) -> int:
    days = _plan_days(course, week)
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


def _red_flag_names() -> list[str]:
    from recommender.core.answers import answer_keys

    return [key.split(".", 1)[1] for key in answer_keys() if key.startswith("red_flags.")]


def _ask(course: Course, week: int, given: dict[str, Any]) -> None:
    """The check-in as a conversation on standard error (answers from standard input)."""
    days = _plan_days(course, week)
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
    given["usual_pain"] = click.prompt(
        "Your usual pain this week, 0-10", type=click.IntRange(0, 10), err=True
    )
    if click.confirm(
        "Any new or changed symptom since your last check-in?", default=False, err=True
    ):
        from recommender.inputs.questionnaire import load_questionnaire

        questions = {q.key: q for q in load_questionnaire().questions}
        say("Answer y or n to each warning sign, thinking of the time since your last check-in.")
        new = []
        for name in _red_flag_names():
            question = questions.get(f"red_flags.{name}")
            if question is not None and question.skipped(course.answers.get("age")):
                continue  # not asked at this age, as in the intake
            words = question.full_text() if question else name.replace("_", " ")
            if click.confirm(f"  {words}", default=False, err=True):
                new.append(name)
        given["new_symptom"] = tuple(new)
    if course.psfs and week % PSFS_EVERY_WEEKS == 0:
        scores = [
            click.prompt(
                f"PSFS: {name}, 0 (unable) to 10 (as before)", type=click.IntRange(0, 10), err=True
            )
            for name, _ in course.psfs
        ]
        given["psfs"] = ",".join(str(s) for s in scores)


def _newer_questions(course: Course) -> list[Any]:
    """The questions added since the course began that its stored answers lack, and
    that are asked at the person's age (the others are no, as in the intake)."""
    from recommender.inputs.questionnaire import load_questionnaire

    missing = set(missing_safety_answers(course.answers))
    if not missing:
        return []
    age = course.answers.get("age")
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


def _completed(course: Course, answered: dict[str, bool]) -> Course:
    """The course with its stored answers completed: the newer answers given, and no
    for those not asked at the person's age."""
    import copy

    from recommender.core.paths import set_path

    answers = copy.deepcopy(course.answers)
    for key in missing_safety_answers(answers):
        set_path(answers, key, answered.get(key, False))
    return dataclasses.replace(course, answers=answers)


def _rank(level: str) -> int:
    return RESCREEN.index(level)


def _level(course: Course) -> str:
    """The triage level the course's plan was given at."""
    triage = course.result.get("triage") if isinstance(course.result, dict) else None
    level = triage.get("level") if isinstance(triage, dict) else None
    return level if level in RESCREEN[1:] else "none"


def _psfs_scores(value: Optional[str], course: Course) -> Optional[tuple[int, ...]]:
    if not value:
        return None
    if not course.psfs:
        raise click.BadParameter(
            "this course has no PSFS activities (give them to `track start --psfs`)",
            param_hint="--psfs",
        )
    scores = [whole_number(p) for p in value.split(",")]
    if len(scores) != len(course.psfs) or not all(s is not None and s <= 10 for s in scores):
        raise click.BadParameter(
            f"give {len(course.psfs)} scores from 0 to 10, separated by commas", param_hint="--psfs"
        )
    return tuple(s for s in scores if s is not None)


def rescreen(course: Course, new_flags: tuple[str, ...], engine: Optional[str]) -> Result:
    """Triage again: the stored answers with the new symptoms answered yes."""
    from recommender.inputs.answers_file import validate_answers

    answers = dict(course.answers)
    answers["red_flags"] = {**answers["red_flags"], **dict.fromkeys(new_flags, True)}
    checked = validate_answers(answers, "the stored answers")
    return _recommender(None, engine).recommend(checked)


def checkin(
    db: Optional[str],
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
    course = store.current_course(with_checkins=False)
    if course.stopped:
        raise TrackingError(
            f"this plan was stopped: {escaped(course.stopped)} Start a new one with "
            "`backplan track start` once a clinician has seen you."
        )
    week = given["week"] or _week_of(course, day)
    if (dt.date.max - course.start).days < 7 * (week - 1):
        raise TrackingError(
            f"week {week} of this course would begin after {dt.date.max}, the last day a "
            "calendar holds"
        )
    newer = _newer_questions(course)
    if newer and not interactive:
        raise TrackingError(
            f"this plan began before backplan asked {len(newer)} newer questions; answer "
            "them once with `backplan track checkin` (without options), then check in as "
            "before"
        )
    answered: dict[str, bool] = {}
    if interactive:
        try:
            answered = _ask_newer(newer)
            _ask(course, week, given)
        except (click.Abort, EOFError):
            # Ctrl-C or the end of the input part-way: nothing half-written.
            say("\nCheck-in stopped; nothing was saved.")
            raise SystemExit(1) from None
    incomplete = bool(missing_safety_answers(course.answers))
    if incomplete:
        course = _completed(course, answered)
        store.update_answers(course.id, course.answers)
    unknown = [f for f in given["new_symptom"] if f not in _red_flag_names()]
    if unknown:
        raise click.BadParameter(
            f"unknown red flag {quoted(unknown[0])} (known: {', '.join(_red_flag_names())})",
            param_hint="--new-symptom",
        )
    new_flags = tuple(sorted(set(given["new_symptom"])))
    found = rescreen(course, new_flags, engine).triage if new_flags or incomplete else None
    if found is not None and not new_flags and _rank(found.level) <= _rank(_level(course)):
        found = None  # the newer answers change nothing: nothing new to act on
    entry = CheckIn(
        week=week,
        recorded=dt.datetime.combine(day, dt.datetime.now().time().replace(microsecond=0)),
        sessions_done=_sessions(given["done"], course, week) if given["done"] else 0,
        exercise_pain=given["exercise_pain"],
        next_morning=given["next_morning"],
        usual_pain=given["usual_pain"],
        new_red_flags=new_flags,
        rescreen=found.level if found else None,
        psfs=_psfs_scores(given["psfs"], course),
    )
    store.add_checkin(course.id, entry)
    if found is not None:
        from recommender.render.text import render_warning
    if found is not None and found.level in ("urgent", "emergency"):
        symptoms = ", ".join(flag.replace("_", " ") for flag in new_flags)
        what = f"a new symptom ({symptoms})" if new_flags else "an answer to a newer question"
        store.stop_course(course.id, f"{what} needs a clinician. {found.action}.")
        click.echo(render_warning(found), nl=False)
        click.echo("\nYour plan is stopped: please do not continue the exercises.")
        return
    click.echo(f"Check-in saved for week {week}.")
    if found is not None and found.level != "none":
        click.echo(render_warning(found), nl=False)
    click.echo("`backplan track status` shows what this means for your plan.")


def follow(db: Optional[str], engine: Optional[str]) -> tuple[Progress, Store, Recommender]:
    """The current course, every tracked week reviewed, with the whole pipeline loaded
    (for what needs the person's filters, such as the easier variants)."""
    from recommender.pipeline.adapt import Adapter, sessions_planned
    from recommender.store.courses import Store

    store = Store.open(db)
    course = store.current_course()
    recommender = _recommender(None, engine)
    adapter = Adapter(recommender.rulebook.adapt, recommender.adapt_engine)
    return adapter.follow(course, sessions_planned(course.result)), store, recommender


def reviewed(db: Optional[str], engine: Optional[str]) -> Progress:
    """The current course reviewed with the adaptation rules alone: a report needs no
    plan engine, which costs more to compile than the whole review."""
    from recommender.inputs.catalog_file import load_catalog
    from recommender.pipeline.adapt import Adapter, sessions_planned
    from recommender.rulebook.engines import create_engine
    from recommender.rulebook.rules import load_rulebook
    from recommender.store.courses import Store

    course = Store.open(db).current_course()
    book = load_rulebook(load_catalog())
    adapter = Adapter(book.adapt, create_engine(book.adapt_conditions(), engine))
    return adapter.follow(course, sessions_planned(course.result))


def _easier(recommender: Recommender, course: Course) -> Any:
    """An exercise's easier variant, only where it passed this person's filters."""
    from recommender.inputs.answers_file import validate_answers

    if missing_safety_answers(course.answers):
        # Answers kept from before newer questions: which variants pass this person's
        # filters cannot be known until they are answered, so none is offered.
        return lambda exercise_id: None
    answers = validate_answers(course.answers, "the stored answers")
    left_out = {e.exercise for e in recommender.recommend(answers).excluded}
    catalog = recommender.catalog

    def easier(exercise_id: str) -> Optional[tuple[str, str]]:
        if exercise_id not in catalog:
            return None
        variant = catalog[exercise_id].easier
        if variant is None or variant not in catalog or variant in left_out:
            return None
        return variant, catalog[variant].name

    return easier


def status(db: Optional[str], engine: Optional[str], week: Optional[int], day: dt.date) -> str:
    from recommender.pipeline.adapt import adapted_week
    from recommender.render.progress_text import render_status

    progress, _, recommender = follow(db, engine)
    week = week or _week_of(progress.course, max(day, progress.course.start))
    level = progress.level_for(week)
    plan = None
    if not progress.stopped:
        easier = _easier(recommender, progress.course)
        plan = adapted_week(progress.course.result, week, level, easier)
    text = render_status(progress, week, plan)
    newer = _newer_questions(progress.course)
    if newer and not progress.stopped:
        text = (
            f"backplan now asks {len(newer)} questions it did not ask when your plan began: "
            "answer them at your next check-in (`backplan track checkin`).\n\n" + text
        )
    return text


def report(db: Optional[str], engine: Optional[str], fmt: str) -> str:
    progress = reviewed(db, engine)
    if fmt == "html":
        from recommender.render.progress_html import render_report_html

        return render_report_html(progress)
    if fmt == "fhir":
        from recommender.render import to_json
        from recommender.render.progress_fhir import report_bundle

        return to_json(report_bundle(progress))
    from recommender.render.progress_text import render_report

    return render_report(progress)


def explain(db: Optional[str], engine: Optional[str]) -> str:
    from recommender.render.progress_text import render_explain

    return render_explain(reviewed(db, engine))
