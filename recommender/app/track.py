"""`backplan track`: keep a course of check-ins, and let each week change the next.

Nothing is stored until `track start`; the other commands refuse to create a
database. The store (SQLAlchemy) and the rule engine are imported inside the
commands, so that `backplan plan` and `backplan --help` never load them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Optional, TypeVar

import click

from recommender.app.options import (
    WEEK,
    answers_options,
    country_option,
    engine_option,
    output_option,
)
from recommender.app.output import emit
from recommender.core.weeks import DEFAULT_WEEKS

F = TypeVar("F", bound=Callable[..., Any])


def parse_day(value: Optional[str], name: str) -> dt.date:
    """A day as an option gives it: YYYY-MM-DD, or today (also when not given)."""
    if value in (None, "today"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD or 'today'", param_hint=name) from None


def person_option(func: F) -> F:
    """--person, on every track command: whose course, in a database of several."""
    return click.option(
        "--person",
        "-p",
        metavar="NAME-OR-ID",
        help="Whose course: needed when the database holds more than one person "
        "(`backplan track people` lists them).",
    )(func)


def _person_and_country(func: F) -> F:
    return person_option(country_option(func))


@click.group()
@click.option(
    "--db",
    metavar="URL",
    help="The tracking database: a file path, sqlite:///PATH or postgresql://USER@HOST/NAME "
    "(default: $BACKPLAN_DB, else a private file in your data folder).",
)
@click.pass_context
def track(ctx: click.Context, db: Optional[str]) -> None:
    """Track a plan week by week: check-ins change the next week's doses.

    \b
    backplan track start --answers me.json     save the plan and start tracking
    backplan track checkin                     how did the sessions go? (asks)
    backplan track status                      this week's plan as adapted, and why
    backplan track renew                       when a block ends: check again, plan on
    backplan track report --format html        the course, with a chart
    backplan track explain                     every week's decision, in words
    backplan track people                      whose courses the database holds

    Nothing is stored until `track start`. In a database that holds more than one
    person, every command needs --person NAME-OR-ID.
    """
    ctx.obj = db  # what the commands are given (click.pass_obj): the --db URL


@track.command("start")
@answers_options
@click.option("--start", metavar="DATE", help="The first day of week 1 (YYYY-MM-DD or today).")
@click.option("--weeks", "-w", type=WEEK, default=DEFAULT_WEEKS, show_default=True)
@click.option(
    "--psfs",
    "psfs",
    metavar="ACTIVITY=SCORE",
    multiple=True,
    help="An activity that is hard because of the pain and how well you can do it now, "
    "0 (unable) to 10 (as before); give three (the Patient-Specific Functional Scale).",
)
@click.option(
    "--new-course",
    is_flag=True,
    help="Start a separate course although one is under way (its history stays).",
)
@_person_and_country
@engine_option
@click.pass_obj
def start(
    db: Optional[str],
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    start: Optional[str],
    weeks: int,
    psfs: tuple[str, ...],
    new_course: bool,
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
) -> None:
    """Save your answers and plan, and start tracking (the only command that creates
    the database). --person names whose course it is, and adds them if they are new."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app import tracking

    first_day = parse_day(start, "--start")
    activities = tracking.parse_psfs(psfs)
    tracking.start(
        db,
        person,
        country,
        answers_path,
        example,
        rules_dir,
        first_day,
        weeks,
        activities,
        engine,
        new_course,
    )


@track.command("checkin")
@click.option(
    "--week",
    type=WEEK,
    help="The week of the block, 1 from its first day (default: from --date).",
)
@click.option("--date", "day", metavar="DATE", help="When (default: today).")
@click.option(
    "--done",
    metavar="N|DAYS",
    help="Sessions done: a number, or the days (monday,wednesday).",
)
@click.option("--exercise-pain", type=click.IntRange(0, 10), help="Highest pain during exercise.")
@click.option(
    "--next-morning",
    type=click.Choice(("better", "same", "worse")),
    help="Pain the next morning, compared with before the session.",
)
@click.option("--usual-pain", type=click.IntRange(0, 10), help="Usual pain this week (0-10).")
@click.option(
    "--hurt",
    metavar="EXERCISE",
    multiple=True,
    help="An exercise that hurt more than it should (its name or id); repeat for more. "
    "It steps back on its own.",
)
@click.option(
    "--too-easy",
    metavar="EXERCISE",
    multiple=True,
    help="An exercise that was too easy; repeat for more.",
)
@click.option(
    "--new-symptom",
    "new_symptom",
    metavar="RED_FLAG",
    multiple=True,
    help="A new symptom, by its red-flag name (such as saddle_numbness); repeat for more. "
    "Asked again in short form when you check in interactively.",
)
@click.option("--no-new-symptoms", is_flag=True, help="Nothing new since the last check-in.")
@click.option(
    "--psfs",
    metavar="A,B,C",
    help="This week's scores of your three activities (the Patient-Specific Functional Scale).",
)
@_person_and_country
@engine_option
@click.pass_obj
def checkin(
    db: Optional[str],
    /,
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    day: Optional[str],
    **given: Any,
) -> None:
    """Record a session or a week: interactively, or all at once with the options."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app import checkin

    options = checkin.CheckinOptions(**given)
    interactive = not options.measured and not options.no_new_symptoms
    checkin.checkin(db, person, country, engine, parse_day(day, "--date"), options, interactive)


@track.command("renew")
@click.option("--start", metavar="DATE", help="The first day of the next block (default: today).")
@click.option("--weeks", "-w", type=WEEK, help="Its weeks (default: as before).")
@click.option("--days", type=click.IntRange(1, 7), help="Exercise days a week from now on.")
@click.option("--minutes", type=click.IntRange(5, 60), help="Minutes a session from now on.")
@click.option("--usual-pain", type=click.IntRange(0, 10), help="Your usual pain now (0-10).")
@click.option(
    "--symptom",
    metavar="RED_FLAG",
    multiple=True,
    help="A warning sign you have now, by its red-flag name; repeat for more.",
)
@click.option("--no-symptoms", is_flag=True, help="None of the warning signs now.")
@click.option(
    "--outlook",
    metavar="NAME",
    multiple=True,
    help="An outlook statement that is true for you now (such as worry); repeat for more.",
)
@click.option("--no-outlook", is_flag=True, help="None of the outlook statements is true now.")
@_person_and_country
@engine_option
@click.pass_obj
def renew(
    db: Optional[str],
    /,
    start: Optional[str],
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    **given: Any,
) -> None:
    """Start the next block of your course: the warning-sign and outlook questions are
    asked again, and the plan goes on from the amounts you do now (or easier), in the
    same course, keeping its history. --days and --minutes change the sessions."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app import renewal

    options = renewal.RenewOptions(**given)
    renewal.renew(db, person, country, engine, parse_day(start, "--start"), options)


@track.command("status")
@click.option("--week", type=WEEK, help="Show this week of the block.")
@click.option("--date", "day", metavar="DATE", help="Take 'today' to be DATE.")
@_person_and_country
@engine_option
@click.pass_obj
def status(
    db: Optional[str],
    week: Optional[int],
    day: Optional[str],
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
) -> None:
    """This week's plan as adapted by the weeks before it, and why."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app import tracking

    emit(tracking.status(db, person, country, engine, week, parse_day(day, "--date")))


@track.command("report")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("text", "html", "fhir")),
    default="text",
    show_default=True,
    help="text; html with a chart; fhir: R4 Observations in a Bundle.",
)
@click.option("--date", "day", metavar="DATE", help="Take 'today' to be DATE.")
@output_option()
@_person_and_country
@engine_option
@click.pass_obj
def report(
    db: Optional[str],
    fmt: str,
    day: Optional[str],
    output: Optional[str],
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
) -> None:
    """The whole course, every block: pain, sessions, function and every decision."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app import tracking

    text = tracking.report(db, person, country, engine, fmt, parse_day(day, "--date"))
    emit(text, output, private=True)


@track.command("explain")
@click.option(
    "--verbose", "-v", is_flag=True, help="Also each rule's condition as the engine reads it."
)
@person_option
@engine_option
@click.pass_obj
def explain(db: Optional[str], verbose: bool, person: Optional[str], engine: Optional[str]) -> None:
    """Every reviewed week: what was decided and why, with each rule and its source."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app import tracking

    emit(tracking.explain(db, person, engine, verbose))


@track.command("people")
@click.pass_obj
def people(db: Optional[str]) -> None:
    """Whose courses the database holds: each person's id, name and course."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app import tracking

    emit(tracking.people(db))
