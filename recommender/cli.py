"""The `backplan` command line: parses options, calls the core, prints what it returns.

Exit codes (SPEC section 1): 0 when a result was produced, whatever the triage level;
2 for bad input or usage, with a message naming every bad field; 1 for our own faults.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Optional, TypeVar

import click

from . import __version__
from .errors import AnswersError, BackplanError, ExitCode

F = TypeVar("F", bound=Callable[..., object])

RESULT_FORMATS = ("text", "json", "markdown", "html", "ics", "fhir")
EXAMPLE_ANSWERS = "example-answers.json"


# -- helpers shared by the commands ---------------------------------------------------


def _recommender(rules: Optional[str] = None, engine: Optional[str] = None):
    from .recommend import Recommender

    return Recommender.load(Path(rules) if rules else None, engine=engine)


def engine_option(func: F) -> F:
    """--engine, for every command that evaluates answers."""
    return click.option(
        "--engine",
        type=click.Choice(("durable", "reference")),
        default=None,
        help="Rule engine: durable (durable-rules, the default where installed) or "
        "reference (plain Python). $BACKPLAN_ENGINE sets the default.",
    )(func)


def _version_message() -> str:
    from .engines import default_engine, durable_available

    engine = default_engine()
    installed = "installed" if durable_available() else "not installed"
    return (
        f"backplan {__version__} (Python {sys.version.split()[0]}; rule engine: {engine}; "
        f"durable-rules {installed})"
    )


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit()


def _color_wanted(output: Optional[str]) -> bool:
    # NO_COLOR (https://no-color.org): any non-empty value turns colour off.
    if os.environ.get("NO_COLOR") or output:
        return False
    return sys.stdout.isatty()


def _read_answers(source: str):
    from .answers_file import parse_answers, read_answers_bytes

    if source == "-":
        data = read_answers_bytes(sys.stdin.buffer, "standard input")
        return parse_answers(data, "standard input")
    with _open_input(source, "an answers file") as stream:
        data = read_answers_bytes(stream, source)
    return parse_answers(data, source)


def _example_answers():
    from .answers_file import parse_answers
    from .datafiles import bundled_dir

    path = bundled_dir("data") / EXAMPLE_ANSWERS
    return parse_answers(path.read_bytes(), str(path))


def _emit(text: str, output: Optional[str]) -> None:
    """Print `text`, or write it to `output` whole: nothing is left half-written."""
    if not output or output == "-":
        click.echo(text, nl=False, color=_color_wanted(output))
        return
    import tempfile

    target = Path(output)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackplanError(f"cannot write {output}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _run(action: Callable[[], None]) -> None:
    """Run a command body, turning our errors into a message and an exit code."""
    try:
        action()
    except BackplanError as exc:
        click.echo(f"backplan: {exc}", err=True)
        sys.exit(int(exc.exit_code))
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:
        if os.environ.get("BACKPLAN_DEBUG"):
            raise
        # Our fault, never the person's: say so plainly, without a traceback.
        click.echo(
            f"backplan: internal error ({type(exc).__name__}: {exc}). Please report it; "
            "set BACKPLAN_DEBUG=1 to see the details.",
            err=True,
        )
        sys.exit(int(ExitCode.INTERNAL))


def format_option(choices: tuple[str, ...] = RESULT_FORMATS, what: str = "Output format."):
    """--format/-f, shared by every command that prints something."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices),
        default="text",
        show_default=True,
        help=what,
    )


def output_option(what: str = "Write to FILE instead of standard output."):
    """--output/-o FILE, shared by the commands that write a result."""
    return click.option("--output", "-o", metavar="FILE", help=what)


#: --weeks, shared by the commands that plan.
weeks_option = click.option(
    "--weeks",
    "-w",
    type=click.IntRange(1, 12),
    default=4,
    show_default=True,
    help="Number of weeks to plan.",
)


def answers_options(func: F) -> F:
    """--answers FILE|-, --example and --rules, shared by the commands that read answers."""
    func = click.option(
        "--rules",
        "rules_dir",
        metavar="DIR",
        type=click.Path(exists=True, file_okay=False, path_type=str),
        help="Use the rule files in DIR instead of the bundled ones.",
    )(func)
    func = click.option(
        "--example",
        is_flag=True,
        help="Use the bundled example answers instead of a file.",
    )(func)
    func = click.option(
        "--answers",
        "-a",
        "answers_path",
        metavar="FILE",
        help="The answers file (JSON); '-' reads standard input.",
    )(func)
    return func


def _check_country(ctx: click.Context, param: click.Parameter, value: Optional[str]):
    from .countries import known_codes, normalise

    if value is None:
        return None
    code = normalise(value)
    if code is None:
        raise click.BadParameter(f"unknown country code {value!r}; known: {known_codes()}")
    return code


def country_option(func: F) -> F:
    return click.option(
        "--country",
        metavar="CODE",
        callback=_check_country,
        help="Your country (two letters, such as US, GB or DE), to name its emergency "
        "number in warnings.",
    )(func)


def _number(country: Optional[str]) -> Optional[str]:
    from .countries import emergency_number

    return emergency_number(country)


def _starting(answers, start: str):
    import dataclasses
    import datetime as dt

    try:
        day = dt.date.today() if start == "today" else dt.date.fromisoformat(start)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD or 'today'", param_hint="--start") from None
    return dataclasses.replace(answers, start_date=day)


def _warn_beside(found, fmt: str, output: Optional[str], always: bool = False) -> None:
    """Show the warning on the terminal (stderr) when the result itself goes elsewhere.

    When the result is text on stdout the person reads the warning there; in a file, a
    machine format or a pipe they might never see it (docs/clinical-safety.md,
    H-WARNING-UNSEEN). `plan` does this at urgent and emergency; the intake, where a
    person is waiting at the terminal for their answer, at every level (`always`).
    """
    if not (always or found.withholds_plan):
        return
    if fmt == "text" and not output and sys.stdout.isatty():
        return  # the person is reading the warning on stdout already
    from .render.text import render_warning

    click.echo(render_warning(found, color=_color_wanted(None)), err=True, nl=False)


def _answers_from(answers_path: Optional[str], example: bool):
    if example and answers_path:
        raise click.UsageError("give either --answers FILE or --example, not both")
    if example:
        return _example_answers()
    if not answers_path:
        raise click.UsageError("give --answers FILE (or '-' for standard input), or --example")
    return _read_answers(answers_path)


# -- commands -------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 88})
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
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
    "--start",
    metavar="DATE",
    help="Start the plan on DATE (YYYY-MM-DD, or 'today'), whatever the answers say.",
)
@country_option
@engine_option
def plan(
    answers_path: Optional[str],
    example: bool,
    rules_dir: Optional[str],
    fmt: str,
    output: Optional[str],
    weeks: int,
    paper: Optional[str],
    start: Optional[str],
    country: Optional[str],
    engine: Optional[str],
) -> None:
    """Triage the answers and build the weekly plan.

    \b
    Examples:
      backplan plan --example
      backplan plan --answers me.json --format json -o plan.json
      cat me.json | backplan plan --answers - --weeks 6
    """

    def body() -> None:
        from .render import render_result

        answers = _answers_from(answers_path, example)
        if start:
            answers = _starting(answers, start)
        result = _recommender(rules_dir, engine).recommend(
            answers, weeks=weeks, emergency_number=_number(country)
        )
        hint = "--example" if example else f"--answers {answers_path}"
        text = render_result(
            result, fmt, color=_color_wanted(output), explain_args=hint, paper=paper
        )
        _warn_beside(result.triage, fmt, output)
        _emit(text, output)

    _run(body)


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

    def body() -> None:
        answers = _answers_from(answers_path, example)
        result = _recommender(rules_dir, engine).recommend(answers)
        if fmt == "json":
            from .render import to_json

            _emit(
                to_json(
                    {
                        "triage": result.triage.to_dict(),
                        "plan_withheld": result.withheld.to_dict() if result.withheld else None,
                        "fired": [f.to_dict() for f in result.fired],
                        "excluded": [{**e.to_dict(), "source": e.source} for e in result.excluded],
                    }
                ),
                None,
            )
        else:
            from .render.text import render_explain

            _emit(render_explain(result, color=_color_wanted(None)), None)

    _run(body)


@main.command()
@click.option(
    "--save",
    metavar="FILE",
    help="Also write your answers to FILE (an answers file for `backplan plan`).",
)
@format_option(what="Format of the result shown at the end.")
@output_option("Write the result to FILE instead of showing it.")
@weeks_option
@country_option
@engine_option
def intake(
    save: Optional[str],
    fmt: str,
    output: Optional[str],
    weeks: int,
    country: Optional[str],
    engine: Optional[str],
) -> None:
    """Answer the questionnaire here in the terminal, then see your triage and plan.

    The questions appear on standard error and the result on standard output, so
    `backplan intake -f json > result.json` keeps the conversation on screen. Answers
    may also be piped in, one per line. Ctrl-C or end of input stops without saving.
    """

    def body() -> None:
        from .intake import run_intake_conversation

        # Loaded first: an unusable engine is reported before the questions, not after.
        recommender = _recommender(None, engine)
        try:
            outcome, number = run_intake_conversation(country, _ask, _say, recommender.rulebook)
        except click.Abort:
            click.echo("\nIntake stopped; nothing was saved.", err=True)
            sys.exit(int(ExitCode.INTERNAL))
        from .render import render_result, render_stopped_result, stopped_triage

        color = _color_wanted(output)
        if outcome.emergency:
            found = stopped_triage(outcome.emergency, number)
            text = render_stopped_result(outcome.emergency, number, fmt, color=color)
        else:
            from .answers_file import validate_answers

            answers = validate_answers(outcome.answers, "your answers")
            result = recommender.recommend(answers, weeks=weeks, emergency_number=number)
            found = result.triage
            hint = f"--answers {save}" if save else "--answers FILE (save your answers with --save)"
            text = render_result(result, fmt, color=color, explain_args=hint)
        # The warning first, whatever happens next: a failed save must never hide it.
        _warn_beside(found, fmt, output, always=True)
        if save:
            from .render import to_json

            _emit(to_json(outcome.answers), save)
            _say(f"Your answers are saved in {save}.")
        _emit(text, output)

    _run(body)


def _ask(hint: str) -> str:
    return click.prompt(hint, default="", show_default=False, prompt_suffix="", err=True)


def _say(text: str) -> None:
    click.echo(text, err=True)


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
def batch(
    source: str,
    output: Optional[str],
    workers: Optional[int],
    weeks: int,
    country: Optional[str],
    engine: Optional[str],
) -> None:
    """Many answers at once: one answers object per line in, one result per line out.

    IN.jsonl may be '-' for standard input. Results keep the input's order. A bad line
    gives {"line": N, "error": ..., "fields": [...]} and the batch goes on. A summary
    goes to standard error at the end, with a progress line while it runs in a
    terminal. Ctrl-C stops cleanly: every result finished so far is written whole.
    """

    def body() -> None:
        from .batch import Options, default_workers, run_batch

        options = Options(weeks=weeks, emergency_number=_number(country), engine=engine)
        if engine is not None or workers == 1:
            from .engines import create_engine

            create_engine({}, engine)  # refuse an unusable engine before any work
        stream = sys.stdin.buffer if source == "-" else _open_input(source, "a JSON Lines file")
        sink = open(output, "wb") if output else sys.stdout.buffer
        progress = _progress_line if sys.stderr.isatty() else None
        try:
            summary = run_batch(stream, sink, options, workers or default_workers(), progress)
        finally:
            if output:
                sink.close()
            if stream is not sys.stdin.buffer:
                stream.close()
        if progress:
            click.echo("\r" + " " * 78 + "\r", nl=False, err=True)
        click.echo(summary.text(), err=True)
        if summary.interrupted:
            sys.exit(int(ExitCode.INTERNAL))

    _run(body)


def _open_input(source: str, what: str):
    """`source` opened for binary reading, or an AnswersError that says why not."""
    try:
        return open(source, "rb")
    except FileNotFoundError:
        raise AnswersError(["no such file"], source) from None
    except IsADirectoryError:
        raise AnswersError([f"is a directory, not {what}"], source) from None
    except OSError as exc:
        raise AnswersError([f"cannot be read ({exc.strerror})"], source) from None


_last_progress = [0.0]


def _progress_line(summary) -> None:
    import time

    now = time.monotonic()
    if now - _last_progress[0] < 0.2:
        return
    _last_progress[0] = now
    rate = summary.lines / summary.seconds if summary.seconds else 0
    click.echo(
        f"\r  {summary.lines:,} lines, {rate:,.0f}/s, {summary.errors:,} errors ",
        nl=False,
        err=True,
    )


_AREAS = ("neck", "shoulders", "upper_back", "mid_back", "lower_back")
_KIT = ("chair", "wall", "doorway", "dumbbells", "resistance_band", "foam_roller")


@main.command()
@format_option(("text", "json"))
@click.option(
    "--area",
    "areas",
    multiple=True,
    type=click.Choice(_AREAS),
    help="Only exercises for this pain area (repeatable).",
)
@click.option(
    "--equipment",
    "kit",
    multiple=True,
    type=click.Choice((*_KIT, "none")),
    help="Only exercises you can do with this equipment (repeatable; 'none' for none at all).",
)
@click.option(
    "--kind",
    type=click.Choice(("stretch", "mobility", "strength", "release")),
    help="Only exercises of this kind.",
)
def exercises(fmt: str, areas: tuple[str, ...], kit: tuple[str, ...], kind: Optional[str]) -> None:
    """List the exercise catalog."""

    def body() -> None:
        from .catalog import load_catalog

        have = set(kit) - {"none"}
        chosen = [
            e
            for e in load_catalog()
            if (not areas or set(areas) & set(e.areas))
            and (not kit or set(e.equipment) <= have)
            and (not kind or e.kind == kind)
        ]
        if fmt == "json":
            from .render import to_json

            _emit(to_json([e.to_dict() for e in chosen]), None)
        else:
            from .render.listing import render_exercises

            _emit(render_exercises(chosen), None)

    _run(body)


@main.group()
def rules() -> None:
    """List the rules, or check rule files and their examples."""


@rules.command("list")
@format_option(("text", "json"))
def rules_list(fmt: str) -> None:
    """Every rule with its id, level or effect, condition and source."""

    def body() -> None:
        from .render.listing import render_rules, rules_as_json

        book = _recommender().rulebook
        if fmt == "json":
            from .render import to_json

            _emit(to_json(rules_as_json(book)), None)
        else:
            _emit(render_rules(book), None)

    _run(body)


@rules.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def rules_check(path: Optional[Path]) -> None:
    """Validate rule files (default: the bundled ones) and run every rule's examples.

    PATH may be a folder of rule files or one file. Exits 2 when a file is invalid
    and 1 when an example does not behave as it says.
    """

    def body() -> None:
        from .rulecheck import check_all

        recommender = _recommender(str(path) if path else None)
        outcomes = check_all(recommender)
        failed = [o for o in outcomes if not o.passed]
        for outcome in failed:
            for problem in outcome.problems:
                click.echo(f"FAIL {outcome.case.file}: {outcome.case.id}: {problem}", err=True)
        rules_count = len(recommender.rulebook.rules)
        click.echo(
            f"{len(outcomes) - len(failed)}/{len(outcomes)} examples of {rules_count} rules "
            "behave as stated" + ("" if failed else "; all rule files are valid")
        )
        if failed:
            sys.exit(int(ExitCode.INTERNAL))

    _run(body)


@main.command()
@format_option(("text", "fhir"), "text lists the questions; fhir is an R4 Questionnaire.")
@output_option()
def questionnaire(fmt: str, output: Optional[str]) -> None:
    """The intake questions: a readable list, or a FHIR R4 Questionnaire.

    A FHIR QuestionnaireResponse to this Questionnaire can be given to `backplan plan
    --answers` in place of an answers file.
    """

    def body() -> None:
        from .intake import load_questionnaire

        questions = load_questionnaire()
        if fmt == "fhir":
            from .fhir import questionnaire_resource
            from .render import to_json

            _emit(to_json(questionnaire_resource(questions)), output)
        else:
            from .render.listing import render_questions

            _emit(render_questions(questions), output)

    _run(body)


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
@engine_option
def serve(host: str, port: int, workers: int, engine: Optional[str]) -> None:
    """Run backplan in the browser: the questionnaire, the warning and the plan.

    Opens on this computer only (127.0.0.1) unless --host says otherwise. The server
    stores nothing: answers stay in the person's browser. $BACKPLAN_SECRET_KEY shares
    the signing key between replicas (README, "backplan in the browser").
    """

    def body() -> None:
        from .web.server import serve as run_server

        if engine:
            from .engines import ENGINE_VARIABLE, create_engine

            create_engine({}, engine)  # refuse an unusable engine before starting
            os.environ[ENGINE_VARIABLE] = engine  # read again by every worker
        run_server(host, port, workers, say=lambda line: click.echo(line))

    _run(body)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the answers file."""
    from .answers import Answers
    from .render import to_json
    from .validation import json_schema

    _emit(to_json(json_schema(Answers)), None)
