"""`backplan intake` as a command: running the session, writing what it gives, keeping
an unfinished intake on Ctrl-C, and the short summary that ends it.

The summary goes to standard error after the result, so that it is the last thing on
the screen however long the plan is (about 145 lines scroll past; the warning at the
top leaves the screen): the level and what to do, in one line, then where the result
is and how to get the other formats. Standard output keeps exactly what `plan` prints.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Optional

# The replies are read through the module (intake.read_reply), where a test's scripted
# replies take its place.
from recommender.app import intake
from recommender.app.closing import command_name
from recommender.app.intake_session import (
    IntakeSession,
    WarnedFirst,
    draft_path,
    finish_intake,
    today,
)
from recommender.app.options import system_zone
from recommender.app.output import (
    EnvironmentFailure,
    OutputError,
    color_wanted,
    emit,
    say,
    terminal_width,
    warn_beside,
)
from recommender.core.errors import ExitCode
from recommender.inputs.intake_draft import read_draft
from recommender.inputs.questionnaire import Invalid
from recommender.render import Reminders, to_json
from recommender.render.text import render_warning

if TYPE_CHECKING:
    from recommender.app.intake import Outcome
    from recommender.app.intake_session import Finished
    from recommender.pipeline.recommend import Recommender


def run_intake(
    recommender: Recommender,
    save: Optional[str],
    resume: Optional[str],
    fmt: str,
    output: Optional[str],
    weeks: int,
    country: Optional[str],
    private: bool,
    reminders: Optional[Reminders] = None,
) -> None:
    session = IntakeSession(
        recommender.rulebook,
        intake.read_reply,
        say,
        lambda: terminal_width(err=True),
        country=country,
        country_known=country is not None,
    )
    if not resume:
        resume = offer_kept_draft()
    if resume:
        session.draft = read_draft(resume, session.questionnaire, today())
    try:
        outcome = session.run()
    except EOFError:
        say("\nIntake stopped; nothing was saved.")
        sys.exit(int(ExitCode.INTERNAL))
    except KeyboardInterrupt:
        keep_unfinished(session, save, private)
        sys.exit(int(ExitCode.INTERRUPTED))
    # Without --save the closing summary says how to keep the answers for next time.
    width = terminal_width() if not output or output == "-" else 78
    if fmt == "ics" and reminders is None and not outcome.emergency:
        reminders = ask_time_of_day()
    try:
        finished = finish_intake(
            recommender, outcome, session.number, fmt, weeks, output, width, reminders
        )
    except WarnedFirst as warned:
        # Nothing hides a warning: the triage first, then what could not be used.
        if warned.found is not None:
            say(render_warning(warned.found, color_wanted(None), terminal_width(err=True)))
        raise warned.problem from None
    # The warning first, whatever happens next: a failed save must never hide it, and
    # nothing (not even where the answers were saved) is printed before it.
    if finished.found is not None:
        warn_beside(finished.found, fmt, output, always=True)
    if save:
        emit(to_json(outcome.answers), save, private)
    emit(finished.text, output, private)
    if save:
        say(f"Your answers are saved in {save}.")
    remove_used_draft(resume, save)
    for line in ending_lines(finished, outcome, output, save, terminal_width(err=True)):
        say(line)


def ending_lines(
    finished: Finished, outcome: Outcome, output: Optional[str], save: Optional[str], width: int
) -> list[str]:
    """The summary on the last screen (see the module's notes)."""
    lines = ["", "-" * width]
    shown = "shown above"
    if output and output != "-":
        lines_written = f"The result was written to {output}."
        shown = f"in {output}"
    else:
        lines_written = ""
    if outcome.withheld is not None:
        level = (
            f"In short: no exercise plan ({outcome.withheld.title.lower()}); please follow "
            f"the advice {shown}."
        )
        where = ""
    elif finished.found is None:  # not reached: a result without triage is a withheld one
        level, where = "In short: no exercise plan.", ""
    else:
        level = f"In short: {finished.found.action}."
        if outcome.emergency:
            where = "The questions stopped early; there is no exercise plan."
        elif finished.plan:
            where = f"Your plan ({finished.plan}) is {shown}."
        else:
            where = f"No exercise plan is given; the reasons are {shown}."
    where = f"{lines_written} {where}".strip()
    week = finished.week if finished.plan and not outcome.emergency else None
    for text in (level, week or "", where):  # a file's path is never broken across lines
        if not text:
            continue
        lines += textwrap.wrap(
            text, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
        )
    if outcome.emergency or outcome.withheld is not None:
        return lines
    if save:
        command = f"{command_name()} plan --answers {shlex.quote(save)} --format html -o plan.html"
        lines += textwrap.wrap(
            "Other formats (html to print, markdown, ics for a calendar, json, fhir):",
            width,
            subsequent_indent="  ",
        )
    else:
        command = f"{command_name()} plan --answers FILE --format html -o plan.html"
        lines += textwrap.wrap(
            "Other formats (html to print, markdown, ics for a calendar, json, fhir): run "
            "the intake with --save FILE, then:",
            width,
            subsequent_indent="  ",
        )
    if len(command) + 2 <= width:
        lines.append(f"  {command}")
    else:  # split as a shell would read it, so that it can still be copied whole
        first, rest = command.split(" --format ")
        lines += [f"  {first} \\", f"    --format {rest}"]
    return lines


def keep_unfinished(session: IntakeSession, save: Optional[str], private: bool) -> None:
    """After Ctrl-C: offer to keep the answers so far, in --save FILE or a private
    draft in the user's data folder, and say how to continue."""
    text = session.draft_text()
    if text is None:
        say("\nIntake stopped; nothing was saved.")
        return
    target = save or str(draft_path())
    say("")
    try:
        reply = intake.read_reply(
            f"Keep your answers so far in {target}, to finish later? (y/n) > "
        )
    except (KeyboardInterrupt, EOFError, Invalid):
        reply = ""
    if reply.strip().lower() not in ("y", "yes"):
        say("\nIntake stopped; nothing was saved.")
        return
    if save:
        emit(text, save, private=True)  # unfinished health answers: the owner's alone
    else:
        try:
            Path(target).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            emit(text, target, private=True)  # health answers: readable by the owner alone
            os.chmod(target, 0o600)  # also when an older draft was there with other rights
        except (OSError, OutputError) as exc:
            # Not a file the person named: their data folder cannot be written (a
            # read-only home). The machine's fault, and --save is the way round it.
            reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
            raise EnvironmentFailure(
                f"your answers could not be kept ({reason}); to keep them, start the "
                "intake again with --save FILE in a folder you can write to"
            ) from None
    resume = f"{command_name()} intake --resume {shlex.quote(target)}"
    if save:
        resume += f" --save {shlex.quote(save)}"
    say(f"Your answers so far are kept in {target}. To continue later:")
    say(f"  {resume}")


def ask_time_of_day() -> Optional[Reminders]:
    """For a calendar: "What time of day suits you?", so that each session is an event
    at that time with a reminder 10 minutes before (Enter: all-day events, as before)."""
    say("")
    while True:
        try:
            reply = intake.read_reply(
                "What time of day suits you for your sessions? (HH:MM, such as 18:30; Enter: "
                "no time, all-day events) > "
            ).strip()
        except (Invalid, EOFError):
            return None
        if not reply:
            return None
        try:
            hour, minute = (int(part) for part in reply.replace(".", ":").split(":"))
            chosen = dt.time(hour, minute)
        except ValueError:
            say("  Please give a time of day as HH:MM, such as 07:30 or 18:30.")
            continue
        zone = system_zone()
        say(f"  Sessions at {chosen:%H:%M} ({zone}), with a reminder 10 minutes before.")
        return Reminders(chosen, zone)


def offer_kept_draft() -> Optional[str]:
    """A plain `backplan intake` with an unfinished intake kept in the private draft:
    offer to continue it (its path), or to start again, deleting it (None)."""
    kept = draft_path()
    try:
        when = dt.date.fromtimestamp(kept.stat().st_mtime)
    except OSError:
        return None  # none kept (or none we may read): a fresh intake
    say(f"You have an unfinished intake, kept on {when.isoformat()}.")
    while True:
        try:
            reply = intake.read_reply("Continue it (y), or start again and delete it (n)? > ")
        except Invalid as problem:
            say(f"  {problem}")
            continue
        word = reply.strip().lower()
        if word in ("y", "yes", ""):
            return str(kept)
        if word in ("n", "no"):
            kept.unlink(missing_ok=True)
            say("The unfinished intake is deleted; starting again.")
            return None
        say("  Please answer y or n.")


def remove_used_draft(resume: Optional[str], save: Optional[str]) -> None:
    """A finished intake's private draft is removed: health answers are not left
    behind once they are no longer needed. A file the person named is theirs to keep
    (and with --save the same file now holds the complete answers)."""
    if not resume or resume == save:
        return

    try:
        if Path(resume).resolve() == draft_path().resolve():
            Path(resume).unlink(missing_ok=True)
    except OSError:
        pass
