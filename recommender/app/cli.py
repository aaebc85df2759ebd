"""The `backplan` command line: it parses options, calls the core, and prints what it
returns.

Errors have one path: the core raises BackplanError (with its exit code) and the
command group turns it into one message on standard error, never a traceback. Exit
codes are `ExitCode`: 0 when a result was produced, whatever the triage level; 2 for
bad input or usage; 1 for our own faults and the machine's; 3 when a rule example does
not behave as it says; 130 after Ctrl-C.

Heavy modules (the rule engine, Jinja2, icalendar, FHIR) are imported inside the
commands that need them, so that `backplan --help` and a text plan start quickly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional, get_args

import click

from recommender.app.clinic_cli import clinic
from recommender.app.closing import closing_wanted, plan_closing
from recommender.app.errors import BackplanGroup
from recommender.app.options import (
    WEEK,
    answers_options,
    country_option,
    engine_option,
    format_option,
    output_option,
    private_option,
    reminder_options,
    show_version,
    system_zone,
    weeks_option,
)
from recommender.app.output import (
    color_wanted,
    emit,
    emit_with_folder,
    is_file_target,
    say,
    show_in_place,
    terminal_width,
    warn_beside,
)
from recommender.app.track import parse_day, person_option, track
from recommender.core.answers import EQUIPMENT, PAIN_AREAS, Answers, in_country
from recommender.core.catalog import Kind
from recommender.core.errors import ExitCode
from recommender.core.wording import WEEKDAYS
from recommender.render import Reminders, RenderOptions, render_result, to_json
from recommender.rulebook.engines import ENGINE_VARIABLE, create_engine

if TYPE_CHECKING:
    from recommender.app.guided import Terminal
    from recommender.pipeline.recommend import Recommender, Result


# -- what the commands share ------------------------------------------------------------


def _recommender(rules: Optional[str] = None, engine: Optional[str] = None) -> Recommender:
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.pipeline.recommend import Recommender

    return Recommender.load(Path(rules) if rules else None, engine=engine)


def _answers_from(answers_path: Optional[str], example: bool) -> Answers:
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.inputs.answers_file import example_answers, read_answers

    if example and answers_path:
        raise click.UsageError("give either --answers FILE or --example, not both")
    if example:
        return example_answers()
    if not answers_path:
        raise click.UsageError("give --answers FILE (or '-' for standard input), or --example")
    return read_answers(answers_path, sys.stdin.buffer)


def _starting(answers: Answers, start: str) -> Answers:
    try:
        day = dt.date.today() if start == "today" else dt.date.fromisoformat(start)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD or 'today'", param_hint="--start") from None
    try:
        return dataclasses.replace(answers, start_date=day)
    except ValueError as exc:  # the answers model's own checks (the plan must fit)
        message = str(exc).removeprefix("start_date: ")
        raise click.BadParameter(message, param_hint="--start") from None


# -- commands -------------------------------------------------------------------------


@click.group(
    cls=BackplanGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 88},
)
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=show_version,
    help="Show the version and the active rule engine.",
)
def main() -> None:
    """Safe, explainable home-exercise plans for neck and back pain.

    Answer the intake questions in a JSON answers file; backplan screens the answers
    for red flags, sends you to a clinician when needed, and otherwise builds a
    progressive weekly plan from exercises that are safe for you. Every decision can
    be traced to a rule and its clinical source with `backplan explain`.

    Not a diagnosis, and not a substitute for a doctor or physiotherapist.
    """


@main.command()
@answers_options
@format_option()
@output_option("Write the result to FILE (only once it is complete) instead of stdout.")
@weeks_option
@click.option(
    "--paper",
    type=click.Choice(("a4", "letter")),
    default=None,
    help="Page size for --format html (default: the printer's own).",
)
@click.option(
    "--embed-figures",
    is_flag=True,
    help="Markdown: put each figure in the text as an image (data URI); by default a "
    "Markdown file gets its figures as SVG files in NAME-figures/ beside it, and "
    "standard output gets none.",
)
@click.option(
    "--start",
    metavar="DATE",
    help="Start the plan on DATE (YYYY-MM-DD, or 'today'), whatever the answers say.",
)
@reminder_options
@country_option
@engine_option
@private_option
def plan(
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    fmt: str,
    output: Optional[str],
    weeks: int,
    paper: Optional[str],
    embed_figures: bool,
    start: Optional[str],
    at_time: Optional[str],
    zone: Optional[str],
    remind: int,
    base_url: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    private: bool,
) -> None:
    """Triage the answers and build the weekly plan.

    \b
    Examples:
      backplan plan --example
      backplan plan --answers me.json --format json -o plan.json
      cat me.json | backplan plan --answers - --weeks 6
    """
    answers = _answers_from(answers_path, example)
    if start:
        answers = _starting(answers, start)
    result = _recommender(rules_dir, engine).recommend(in_country(answers, country), weeks=weeks)
    hint = "--example" if example else f"--answers {shlex.quote(answers_path or '-')}"
    width = terminal_width() if not output or output == "-" else 78
    figures: Optional[str] = None
    files: dict[str, str] = {}
    if fmt == "markdown":
        figures, files = _markdown_figures(result, output, embed_figures)
    options = RenderOptions(
        color=color_wanted(output),
        paper=paper,
        width=width,
        figures=figures,
        reminders=_reminders(at_time, zone, remind, base_url),
    )
    text = render_result(result, fmt, options)
    warn_beside(result.triage, fmt, output)
    if files and output is not None and figures is not None:
        emit_with_folder(text, output, figures, files, private)
    else:
        emit(text, output, private)
    if closing_wanted(fmt, output):
        for line in plan_closing(result, hint, terminal_width(err=True)):
            say(line)


def _reminders(
    at_time: Optional[str], zone: Optional[str], remind: int, base_url: Optional[str]
) -> Optional[Reminders]:
    """The calendar's reminders, when a time of day was given."""
    if at_time is None:
        if zone or base_url:
            raise click.UsageError("--tz and --base-url go with --time HH:MM")
        return None

    return Reminders(dt.time.fromisoformat(at_time), zone or system_zone(), remind, base_url)


def _markdown_figures(
    result: Result, output: Optional[str], embed: bool
) -> tuple[Optional[str], dict[str, str]]:
    """How a Markdown plan carries its figures: in the text (--embed-figures), as SVG
    files in a folder beside a Markdown file, or not at all on standard output."""
    if embed:
        return "embed", {}
    if not is_file_target(output):
        return None, {}
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.render.markdown import figure_files, figure_folder

    files = figure_files(result)
    return (figure_folder(str(output)), files) if files else (None, {})


@main.command()
@answers_options
@click.option(
    "--week",
    type=WEEK,
    help="The plan week (default: 1; for a tracked course, this week of it).",
)
@click.option(
    "--day",
    type=click.Choice(WEEKDAYS, case_sensitive=False),
    help="The session's day (default: today's, else the week's first session).",
)
@click.option("--date", "on", metavar="DATE", help="Take 'today' to be DATE (YYYY-MM-DD).")
@click.option("--bell", is_flag=True, help="Ring the terminal's bell at the end of each hold.")
@click.option(
    "--db",
    metavar="URL",
    help="Without --answers: the tracking database, as for `backplan track` (default: "
    "$BACKPLAN_DB, else your own).",
)
@person_option
@country_option
@engine_option
def session(
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    week: Optional[int],
    day: Optional[str],
    on: Optional[str],
    bell: bool,
    db: Optional[str],
    person: Optional[str],
    country: Optional[str],
    engine: Optional[str],
) -> None:
    """Do today's session: one exercise at a time, with timers for holds and rests.

    Without --answers, the session of your tracked course (`backplan track`), as your
    check-ins have adapted it; what you say at the end is saved as its check-in.

    \b
    Keys: Enter next, b back, e easier version, s skip, p pause, q stop.
    Examples:
      backplan session
      backplan session --example
      backplan session --answers me.json --week 2 --day wednesday
    """
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app.guided import Terminal
    from recommender.app.intake import read_reply
    from recommender.pipeline.session import NoSession

    terminal = Terminal(
        sys.stdin, read_reply, say, show_in_place, lambda: terminal_width(err=True), bell
    )
    today = parse_day(on, "--date")
    day = day.lower() if day else None
    try:
        if answers_path is None and not example:
            # lazy: off the path of `backplan --help` (its start-up)
            from recommender.app.course_session import Course, course_session

            if rules_dir:
                raise click.UsageError("--rules goes with --answers FILE or --example")
            course_session(Course(db, person, country, engine), week, day, today, terminal)
            return
        if db or person:
            raise click.UsageError(
                "--db and --person are for a tracked course: leave out --answers"
            )
        _session_of_answers(
            answers_path, example, rules_dir, (week, day, today), country, engine, terminal
        )
    except NoSession as problem:
        raise click.BadParameter(str(problem), param_hint="--week/--day") from None


def _session_of_answers(
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    when: tuple[Optional[int], Optional[str], dt.date],
    country: Optional[str],
    engine: Optional[str],
    terminal: Terminal,
) -> None:
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app.guided import run_session

    recommender = _recommender(rules_dir, engine)
    result = recommender.recommend(in_country(_answers_from(answers_path, example), country))
    week, day, today = when
    run_session(result, recommender.catalog.by_id, week or 1, day, terminal, today)


@main.command()
@answers_options
@format_option(("text", "json"))
@engine_option
def explain(
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    fmt: str,
    engine: Optional[str],
) -> None:
    """Show every rule that fired and every exercise left out, with reasons and sources."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.render.explain import render_explain, render_explain_json

    result = _recommender(rules_dir, engine).recommend(_answers_from(answers_path, example))
    if fmt == "json":
        emit(render_explain_json(result))
    else:
        emit(render_explain(result, color=color_wanted(None)))


@main.command()
@click.option(
    "--save",
    metavar="FILE",
    help="Also write your answers to FILE (an answers file for `backplan plan`); an "
    "intake stopped with Ctrl-C can be kept there to finish later.",
)
@click.option(
    "--resume",
    metavar="FILE",
    help="Continue an unfinished intake kept in FILE, from its first unanswered question.",
)
@format_option(what="Format of the result shown at the end.")
@output_option("Write the result to FILE instead of showing it.")
@weeks_option
@reminder_options
@country_option
@engine_option
@private_option
def intake(
    save: Optional[str],
    resume: Optional[str],
    fmt: str,
    output: Optional[str],
    weeks: int,
    at_time: Optional[str],
    zone: Optional[str],
    remind: int,
    base_url: Optional[str],
    country: Optional[str],
    engine: Optional[str],
    private: bool,
) -> None:
    """Answer the questionnaire here in the terminal, then see your triage and plan.

    The questions appear on standard error and the result on standard output, so
    `backplan intake -f json > result.json` keeps the conversation on screen. Answers
    may also be piped in, one per line. Type `back` to return to the question before;
    at the end, a review lets you change any answer. Ctrl-C offers to keep your
    answers so far (in --save FILE, or a private draft) for `--resume`.
    """
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app.intake_end import run_intake

    # Loaded first: an unusable engine is reported before the questions, not after.
    recommender = _recommender(None, engine)
    reminders = _reminders(at_time, zone, remind, base_url)
    run_intake(recommender, save, resume, fmt, output, weeks, country, private, reminders)


@main.command()
@click.argument("source", metavar="IN.jsonl")
@click.option(
    "--output",
    "-o",
    metavar="OUT.jsonl",
    help="Write the results to OUT.jsonl (streamed as they are ready) instead of stdout.",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes (default: one per core).",
)
@weeks_option
@country_option
@engine_option
@private_option
def batch(
    source: str,
    output: Optional[str],
    workers: Optional[int],
    weeks: int,
    country: Optional[str],
    engine: Optional[str],
    private: bool,
) -> None:
    """Many answers at once: one answers object per line in, one result per line out.

    IN.jsonl may be '-' for standard input. Results keep the input's order. A bad line
    gives {"line": N, "error": ..., "fields": [...]} and the batch goes on. A summary
    goes to standard error at the end, with a progress line while it runs in a
    terminal. Ctrl-C stops cleanly: every result finished so far is written whole.
    """
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app.batch import run_batch_command
    from recommender.app.batch_lines import Options

    options = Options(weeks=weeks, country=country, engine=engine)
    summary = run_batch_command(source, output, options, workers, private)
    if summary.lost_from is not None:
        sys.exit(int(ExitCode.INTERNAL))  # the summary said which lines were not processed
    if summary.interrupted:
        sys.exit(128 + summary.stopped_by)  # 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP


@main.command()
@format_option(("text", "json", "html"), "Output format (html: an illustrated catalog page).")
@click.option(
    "--area",
    "areas",
    multiple=True,
    type=click.Choice(PAIN_AREAS),
    help="Only exercises for this pain area (repeatable).",
)
@click.option(
    "--equipment",
    "kit",
    multiple=True,
    type=click.Choice((*EQUIPMENT, "none")),
    help="Only exercises you can do with this equipment (repeatable; 'none' for none at all).",
)
@click.option("--kind", type=click.Choice(get_args(Kind)), help="Only exercises of this kind.")
@output_option()
def exercises(
    fmt: str,
    areas: tuple[str, ...],
    kit: tuple[str, ...],
    kind: Optional[str],
    output: Optional[str],
) -> None:
    """List the exercise catalog (--format html: a page with each exercise's figure)."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.inputs.catalog_file import load_catalog

    equipment = set(kit) - {"none"} if kit else None
    chosen = load_catalog().select(areas, equipment, kind)
    if fmt == "json":
        emit(to_json([e.to_dict() for e in chosen]), output)
    elif fmt == "html":
        # lazy: off the path of `backplan --help` (its start-up)
        from recommender.render.catalog_page import render_catalog_page

        emit(render_catalog_page(chosen), output)
    else:
        # lazy: off the path of `backplan --help` (its start-up)
        from recommender.render.listing import render_exercises

        emit(render_exercises(chosen), output)


@main.group()
def rules() -> None:
    """List the rules, or check rule files and their examples."""


@rules.command("list")
@format_option(("text", "json"))
def rules_list(fmt: str) -> None:
    """Every rule with its id, level or effect, condition and source."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.render.listing import render_rules, rules_as_json

    book = _recommender().rulebook
    if fmt == "json":
        emit(to_json(rules_as_json(book)))
    else:
        emit(render_rules(book))


@rules.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def rules_check(path: Optional[Path]) -> None:
    """Validate rule files (default: the bundled ones) and run every rule's examples.

    PATH may be a folder of rule files or one file. Exits 2 when a file is invalid
    and 3 when an example does not behave as it says.
    """
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.pipeline.examples import check_all
    from recommender.render.listing import render_check_report

    recommender = _recommender(str(path) if path else None)
    outcomes = check_all(recommender)
    failures, summary = render_check_report(outcomes, len(recommender.rulebook.rules))
    click.echo(failures, err=True, nl=False)
    click.echo(summary, nl=False)
    if failures:
        sys.exit(int(ExitCode.EXAMPLES_FAILED))


@main.command()
@format_option(("text", "fhir"), "text lists the questions; fhir is an R4 Questionnaire.")
@output_option()
def questionnaire(fmt: str, output: Optional[str]) -> None:
    """The intake questions: a readable list, or a FHIR R4 Questionnaire.

    A FHIR QuestionnaireResponse to this Questionnaire can be given to `backplan plan
    --answers` in place of an answers file.
    """
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.inputs.questionnaire import load_questionnaire

    questions = load_questionnaire()
    if fmt == "fhir":
        # lazy: off the path of `backplan --help` (its start-up)
        from recommender.render.fhir_questionnaire import questionnaire_resource

        emit(to_json(questionnaire_resource(questions)), output)
    else:
        # lazy: off the path of `backplan --help` (its start-up)
        from recommender.render.questions import render_questions

        emit(render_questions(questions), output)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (each holds its own rules and catalog).",
)
@click.option(
    "--clinic",
    is_flag=True,
    help="The clinic's app: accounts, answers kept for a physiotherapist to check, "
    "weekly check-ins (docs/clinic.md).",
)
@click.option(
    "--db",
    metavar="URL",
    help="With --clinic, its database: a file path, sqlite:///PATH or "
    "postgresql://USER@HOST/NAME (default: $BACKPLAN_DB, else a private file).",
)
@engine_option
def serve(
    host: str,
    port: int,
    workers: int,
    clinic: bool,
    db: Optional[str],
    engine: Optional[str],
) -> None:
    """Run backplan in the browser: the questionnaire, the warning and the plan.

    Opens on this computer only (127.0.0.1) unless --host says otherwise. The server
    stores no answers: they stay in the person's browser, encrypted.
    $BACKPLAN_SECRET_KEY (at least 32 random bytes) shares the key between replicas
    (docs/web.md).

    With --clinic, a clinic's app instead: patients sign in, their answers are kept in
    the database (--db) for a physiotherapist to check before a plan is released, and
    every view and change is on record (docs/clinic.md).
    """
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.app.web.server import serve as run_server

    if engine:
        create_engine({}, engine)  # refuse an unusable engine before starting
        os.environ[ENGINE_VARIABLE] = engine  # read again by every worker
    if db and not clinic:
        raise click.UsageError("--db is for the clinic's app: add --clinic")
    run_server(host, port, workers, say=click.echo, clinic_db=(db or "") if clinic else None)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the answers file."""
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.inputs.validation import json_schema

    emit(to_json(json_schema(Answers)))


# `backplan track` and `backplan clinic` live in their own modules; each imports its
# store only when it runs.
main.add_command(track)
main.add_command(clinic)
