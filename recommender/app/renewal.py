"""`backplan track renew`: the course's next block. Every warning sign and the outlook
questions are asked again, the whole pipeline runs on the answers so updated, and the
block starts from the amounts the person does now, or easier (pipeline/adapt.py,
renewal_level), in the same course, keeping its history.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

import click

from recommender import __version__
from recommender.app.tracking import (
    TrackingError,
    ask_newer,
    completed,
    echo_net,
    follow,
    newer_questions,
    outlook_names,
    red_flag_names,
    rules_version,
    safe_row,
    say,
)
from recommender.core.typed import quoted
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.questionnaire import load_questionnaire
from recommender.inputs.result_record import read_result
from recommender.pipeline.adapt import adapted_week, renewal_level, session_days
from recommender.pipeline.choices import Choices, safe_exercises
from recommender.pipeline.course_warning import course_warning
from recommender.render import render_result
from recommender.render.text import render_warning
from recommender.store.courses import NewBlock

if TYPE_CHECKING:
    from recommender.pipeline.adapt import Progress
    from recommender.pipeline.recommend import Recommender, Result
    from recommender.store.courses import Store

#: A renewed block is planned over the longest plan, so that it can start from the
#: amounts the person does now and still have its weeks ahead (pipeline/adapt.py,
#: renewal_level).
RENEWAL_PLAN_WEEKS = 12


@dataclass(frozen=True)
class RenewOptions:
    """What `track renew` was given besides the day, the person and the engine."""

    weeks: Optional[int] = None
    """The next block's weeks (None: as before)"""
    days: Optional[int] = None
    minutes: Optional[int] = None
    usual_pain: Optional[int] = None
    symptom: tuple[str, ...] = ()
    no_symptoms: bool = False
    outlook: tuple[str, ...] = ()
    no_outlook: bool = False

    @property
    def interactive(self) -> bool:
        """No answer to the re-screen was given: its questions are asked."""
        return not (self.symptom or self.no_symptoms or self.outlook or self.no_outlook)


def renew(
    db: Optional[str],
    person_given: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    day: dt.date,
    given: RenewOptions,
) -> None:
    """Re-screen every red flag and the outlook questions, re-plan from the amounts the
    person does now (or easier), and start the course's next block."""
    progress, store, recommender = follow(db, engine, person_given)
    course = progress.course
    if progress.stopped:
        raise TrackingError(
            f"this plan was stopped: {progress.stopped} Start a new course with `backplan "
            "track start` once a clinician has seen you."
        )
    if day <= course.block.start:
        raise click.BadParameter(
            f"the next block must begin after this one began ({course.block.start})",
            param_hint="--start",
        )
    answers = _renewed_answers(progress, day, country, given)
    checked = validate_answers(answers, "the renewed answers")
    result = recommender.recommend(checked, weeks=RENEWAL_PLAN_WEEKS)
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
        click.echo(render_result(result, "text"), nl=False)
        say("These answers give no plan, so no new block was started; nothing was changed.")
        return
    weeks = given.weeks or course.block.weeks
    _start_block(progress, store, recommender, result, weeks)
    warning = course_warning(
        result.triage.level, (), None, False, "neck" in checked.pain_areas, result.emergency_number
    )
    if warning.level != "none":
        click.echo(render_warning(result.triage), nl=False)
    echo_net(warning)


def _renewed_answers(
    progress: Progress, day: dt.date, country: Optional[str], given: RenewOptions
) -> dict[str, Any]:
    """The course's answers with the warning signs and outlook asked again (or given as
    options), the usual pain now, the new block's first day, days and minutes."""
    course = progress.course
    interactive = given.interactive
    answers = copy.deepcopy(course.answers)
    newer = newer_questions(answers)
    if newer and not interactive:
        raise TrackingError(
            f"this course began before backplan asked {len(newer)} newer questions; renew "
            "without options once to answer them"
        )
    latest = [r.facts["this_week"]["usual_pain"] for r in progress.reviews]
    pain_before = latest[-1] if latest else course.block.start_pain
    pain_now = given.usual_pain
    try:
        if interactive:
            # The warning signs and the outlook are all asked below; of the newer
            # questions, only the history ones are asked first.
            history = [q for q in newer if not q.key.startswith(("red_flags.", "outlook."))]
            answers = completed(answers, ask_newer(history))
            _ask_rescreen(answers)
            if pain_now is None:
                pain_now = click.prompt(
                    "Your usual pain these days, 0-10",
                    type=click.IntRange(0, 10),
                    default=pain_before,
                    err=True,
                )
        else:
            _given_rescreen(answers, given)
    except (click.Abort, EOFError):
        say("\nRenewal stopped; nothing was changed.")
        raise SystemExit(1) from None
    answers["pain_intensity"] = pain_before if pain_now is None else pain_now
    answers["start_date"] = day.isoformat()
    for key, value in (("days_per_week", given.days), ("minutes_per_session", given.minutes)):
        if value is not None:
            answers[key] = value
    if country:
        answers["country"] = country
    return answers


def _start_block(
    progress: Progress, store: Store, recommender: Recommender, result: Result, weeks: int
) -> None:
    """The next block, from the amounts the person does now (or easier), stored and
    announced."""
    course, current, checked = progress.course, progress.course.block, result.answers
    record = read_result(result.to_dict())
    assert record.plan is not None and current.result.plan is not None
    doing = adapted_week(
        current.result.plan,
        current.weeks,
        progress.next_level,
        Choices(recommender.catalog, current.safe or ()),
    )
    level = renewal_level(record.plan, doing, progress.next_level, weeks)
    first_day = checked.start_date
    assert first_day is not None
    block = NewBlock(
        start=first_day,
        weeks=weeks,
        start_pain=checked.pain_intensity,
        level=result.triage.level,
        session_days=session_days(record.plan),
        safe=safe_row(safe_exercises(recommender, checked, result.triage.level)),
        first_plan_week=level.week,
        easier=level.easier,
        swaps=level.swaps,
    )
    number = current.number + 1
    versions = (__version__, rules_version(None))
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


def _ask_rescreen(answers: dict[str, Any]) -> None:
    """Every warning sign asked at the person's age, and the outlook questions, each
    answered yes or no (no default: a safety answer is never assumed)."""
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


def _given_rescreen(answers: dict[str, Any], given: RenewOptions) -> None:
    """The re-screen from the options: each warning sign named is yes and the others
    no, once the person has said so (--no-symptoms); the same for the outlook."""
    flags, outlook = red_flag_names(), outlook_names()
    for option, names, values in (
        ("--symptom", flags, given.symptom),
        ("--outlook", outlook, given.outlook),
    ):
        unknown = [v for v in values if v not in names]
        if unknown:
            raise click.BadParameter(
                f"unknown answer {quoted(unknown[0])} (known: {', '.join(names)})",
                param_hint=option,
            )
    missing = []
    if not given.symptom and not given.no_symptoms:
        missing.append("--symptom NAME for each warning sign you have now, or --no-symptoms")
    if not given.outlook and not given.no_outlook:
        missing.append("--outlook NAME for each that is true now, or --no-outlook")
    if missing:
        raise click.UsageError(
            "a renewal asks every warning sign and the outlook questions again: give "
            + "; and ".join(missing)
            + " (or renew without these options to be asked)"
        )
    answers["red_flags"] = {name: name in given.symptom for name in flags}
    answers["outlook"] = {name: name in given.outlook for name in outlook}
