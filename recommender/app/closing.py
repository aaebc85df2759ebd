"""The last lines on a terminal after a result: the level in one line, this week in one
sentence, where the rest is and what to do next.

A plan is longer than a screen (about 190 lines for the bundled example): on a terminal
the warning at its top scrolls away, and so does the first week. These lines, written
to standard error after the result, are what a person sees when it stops, so they say
the essentials again and name the next step with the command exactly as this program
was started (`.venv/bin/backplan` before the environment is activated).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import textwrap
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from recommender.pipeline.plan import Plan
    from recommender.pipeline.recommend import Result

#: How many exercises a week's summary names before "and N more".
NAMED = 4


def command_name() -> str:
    """`backplan` as the person can type it again: the path they used when it is not
    the one on their PATH (a virtual environment not yet activated), else `backplan`."""
    typed = sys.argv[0] if sys.argv else ""
    if os.sep not in typed or not os.path.basename(typed).startswith("backplan"):
        return "backplan"
    on_path = shutil.which("backplan")
    if on_path and os.path.realpath(on_path) == os.path.realpath(typed):
        return "backplan"
    return shlex.quote(typed)


def _days(days: list[str]) -> str:
    named = [day.capitalize() for day in days]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def week_one(plan: Plan) -> str:
    """The first week in one sentence: the days, the time, the first exercises."""
    week = plan.weeks[0]
    days = _days([session.day for session in week.sessions])
    minutes = max(session.minutes for session in week.sessions)
    names: list[str] = []
    for session in week.sessions:
        for item in session.exercises:
            if item.exercise.name not in names and item.exercise.kind != "aerobic":
                names.append(item.exercise.name)
    shown = ", ".join(names[:NAMED])
    if len(names) > NAMED:
        shown += f" and {len(names) - NAMED} more"
    walk = "; and a walk" if _walks(plan) else ""
    return f"This week: {days}, about {minutes} minutes each: {shown}{walk}."


def _walks(plan: Plan) -> bool:
    week = plan.weeks[0]
    in_sessions = any(
        item.exercise.kind == "aerobic" for session in week.sessions for item in session.exercises
    )
    return in_sessions or week.walking is not None


def plan_closing(result: Result, answers: str, width: int) -> list[str]:
    """The closing lines of `backplan plan` on a terminal; `answers` is how the answers
    were given (`--example`, or `--answers FILE`)."""
    example = answers == "--example"
    found = result.triage
    lines = ["", "-" * width, f"In short: {found.action}."]
    if result.plan is not None:
        lines += [week_one(result.plan), "The whole plan, with how to do each exercise, is above."]
    else:
        lines.append("There is no exercise plan; the reasons are above.")
    name = command_name()
    lines.append(f"Why each decision was made, with its source: {name} explain {answers}")
    if example:
        lines.append(f"Next: make a plan of your own, with your own answers: {name} intake")
    elif result.plan is not None:
        lines.append(f"To print it: add --format html -o plan.html (see {name} plan --help)")
    return [line for text in lines for line in _wrapped(text, width)]


def _wrapped(text: str, width: int) -> list[str]:
    if not text or set(text) == {"-"}:
        return [text]
    return textwrap.wrap(
        text, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )


def closing_wanted(fmt: str, output: Optional[str]) -> bool:
    """Closing lines follow a text result read on a terminal (never a file or pipe)."""
    return fmt == "text" and (not output or output == "-") and sys.stdout.isatty()
