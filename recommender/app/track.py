"""`backplan track`: keep a course of check-ins, and let each week change the next.

Nothing is stored until `track start`; the other commands refuse to create a
database. The store (SQLAlchemy) and the rule engine are imported inside the
commands, so that `backplan plan` and `backplan --help` never load them.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import click

from recommender.app.options import answers_options, engine_option, output_option
from recommender.app.output import emit

_MEASURES = ("done", "exercise_pain", "next_morning", "usual_pain", "new_symptom", "psfs")


def _day(value: Optional[str], name: str) -> dt.date:
    if value in (None, "today"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD or 'today'", param_hint=name) from None


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
    backplan track report --format html        the course, with a chart
    backplan track explain                     every week's decision and its rule

    Nothing is stored until `track start`.
    """
    ctx.obj = {"db": db}


@track.command("start")
@answers_options
@click.option("--start", metavar="DATE", help="The first day of week 1 (YYYY-MM-DD or today).")
@click.option("--weeks", "-w", type=click.IntRange(1, 12), default=4, show_default=True)
@click.option(
    "--psfs",
    "psfs",
    metavar="ACTIVITY=SCORE",
    multiple=True,
    help="An activity that is hard because of the pain and how well you can do it now, "
    "0 (unable) to 10 (as before); give three (the Patient-Specific Functional Scale).",
)
@engine_option
@click.pass_obj
def start(
    obj: dict,
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    start: Optional[str],
    weeks: int,
    psfs: tuple[str, ...],
    engine: Optional[str],
) -> None:
    """Save your answers and plan, and start tracking (the only command that creates
    the database)."""
    from recommender.app import tracking

    first_day = _day(start, "--start")
    activities = tracking.parse_psfs(psfs)
    tracking.start(
        obj["db"], answers_path, example, rules_dir, first_day, weeks, activities, engine
    )


@track.command("checkin")
@click.option(
    "--week",
    type=click.IntRange(1, 52),
    help="The week of the course, 1 from the start date (default: from --date).",
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
    "--new-symptom",
    "new_symptom",
    metavar="RED_FLAG",
    multiple=True,
    help="A new symptom, by its red-flag name (such as saddle_numbness); repeat for more. "
    "Asked again in short form when you check in interactively.",
)
@click.option("--no-new-symptoms", is_flag=True, help="Nothing new since the last check-in.")
@click.option("--psfs", metavar="A,B,C", help="This week's scores of your three PSFS activities.")
@engine_option
@click.pass_obj
def checkin(obj: dict, engine: Optional[str], day: Optional[str], **given: object) -> None:
    """Record a session or a week: interactively, or all at once with the options."""
    from recommender.app import tracking

    interactive = not any(given[name] for name in _MEASURES) and not given["no_new_symptoms"]
    tracking.checkin(obj["db"], engine, _day(day, "--date"), given, interactive)


@track.command("status")
@click.option("--week", type=click.IntRange(1, 52), help="Show this week (default: today's).")
@click.option("--date", "day", metavar="DATE", help="Take 'today' to be DATE.")
@engine_option
@click.pass_obj
def status(obj: dict, week: Optional[int], day: Optional[str], engine: Optional[str]) -> None:
    """This week's plan as adapted by the weeks before it, and why."""
    from recommender.app import tracking

    emit(tracking.status(obj["db"], engine, week, _day(day, "--date")))


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
@output_option()
@engine_option
@click.pass_obj
def report(obj: dict, fmt: str, output: Optional[str], engine: Optional[str]) -> None:
    """The whole course: pain, sessions, function and every decision."""
    from recommender.app import tracking

    emit(tracking.report(obj["db"], engine, fmt), output, private=True)


@track.command("explain")
@engine_option
@click.pass_obj
def explain(obj: dict, engine: Optional[str]) -> None:
    """Every reviewed week: the adaptation rules that fired, why, and their sources."""
    from recommender.app import tracking

    emit(tracking.explain(obj["db"], engine))
