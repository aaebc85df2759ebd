"""The intake conversation in the terminal: asking, re-asking, and stopping for
emergencies.

The conversation goes through two callables, `ask` and `say`, so the same flow runs in
a terminal, under test, or anywhere else. An emergency red flag ends the intake the
moment it is answered: the emergency rules are checked after every answer with
three-valued logic, so a rule fires as soon as the answers given so far settle it,
whatever is still unasked.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

import click

from recommender.core.paths import set_path
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.questionnaire import (
    Invalid,
    Question,
    Questionnaire,
    kind_of,
    load_questionnaire,
    parse_answer,
)
from recommender.pipeline.recommend import Recommender
from recommender.pipeline.triage import Flag, Triage, triage_flag
from recommender.render import stopped_triage
from recommender.render.questions import prompt_text
from recommender.rulebook.conditions import holds
from recommender.rulebook.rules import RedFlagRule, Rulebook

__all__ = ["Intake", "Outcome", "load_questionnaire", "run_intake_conversation"]


# -- the conversation ----------------------------------------------------------------


class Outcome(NamedTuple):
    """What the intake gathered: the answers, and the emergency flags that stopped it."""

    answers: dict
    emergency: tuple[Flag, ...]


def _set(answers: dict, key: str, value: Any) -> None:
    if value is None:
        return  # optional answers left blank stay out of the file
    set_path(answers, key, value)


@dataclass
class Intake:
    """Asks every question in order, re-asking until each answer is usable."""

    questionnaire: Questionnaire
    rulebook: Rulebook
    ask: Callable[[str], str]
    say: Callable[[str], None]
    emergency_number: Optional[str] = None
    today: Optional[dt.date] = None

    def run(self) -> Outcome:
        answers: dict = {}
        # Every red-flag rule has a condition; the emergency ones are checked as we go.
        emergency = [(r, r.condition) for r in self.rulebook.red_flags if r.level == "emergency"]
        total = len(self.questionnaire.questions)
        for number, question in enumerate(self.questionnaire.questions, 1):
            if question.group:
                self.say(f"\n{question.group}")
            value = self._ask_until_valid(question, f"[{number}/{total}]")
            _set(answers, question.key, value)
            # Neither engine reads partial answers, so the stop uses the three-valued
            # reading of the same conditions; tests/app/test_intake_emergency_stop.py holds
            # it to both engines (docs/architecture.md, "The intake's emergency stop").
            fired = [r for r, condition in emergency if condition and holds(condition, answers)]
            if fired:
                return Outcome(answers, tuple(self._flag(r) for r in fired))
        return Outcome(answers, ())

    def _flag(self, rule: RedFlagRule) -> Flag:
        return triage_flag(rule, self.emergency_number)

    def _ask_until_valid(self, question: Question, progress: str) -> Any:
        self.say(prompt_text(question, progress))
        while True:
            try:  # an unreadable reply (read_reply) is asked again, like a wrong one
                reply = self.ask(_reply_hint(question))
                return parse_answer(question, reply, self.today)
            except Invalid as problem:
                self.say(f"  {problem}")


def _reply_hint(question: Question) -> str:
    if kind_of(question) == "yes_no":
        return "  (y/n) > "
    if question.default is not None:
        default = question.default
        if isinstance(default, list):
            shown = ", ".join(default) or "none"
        else:
            shown = question.choices.get(str(default), str(default))
        return f"  [Enter: {shown}] > "
    return "  > "


INTRO = (
    "backplan asks about {count} short questions about your pain and your health, then "
    "gives you either a warning to see a clinician or a home exercise plan. It is not "
    "a diagnosis. If you feel very unwell right now, stop and call {number}."
)


def run_intake_conversation(
    country: Optional[str],
    ask: Callable[[str], str],
    say: Callable[[str], None],
    rulebook: Rulebook,
) -> tuple[Outcome, Optional[str]]:
    """The whole questionnaire: the country (unless given), then every question.

    Returns what was gathered and the emergency number in use (None: neutral wording).
    """
    from recommender.core.countries import emergency_number, known_codes, normalise
    from recommender.pipeline.triage import NEUTRAL_EMERGENCY_NUMBER

    questionnaire = load_questionnaire()
    count = len(questionnaire.questions)
    if country is None:
        say(
            prompt_text(
                Question(
                    key="country", ask=questionnaire.country.ask, help=questionnaire.country.help
                ),
                "[country]",
            )
        )
        while True:
            reply = ask("  [Enter: skip] > ").strip()
            if not reply:
                break
            country = normalise(reply)
            if country:
                break
            say(f"  I do not know that code. Known codes: {known_codes()}.")
    number = emergency_number(country)
    say("")
    for line in _wrapped(INTRO.format(count=count, number=number or NEUTRAL_EMERGENCY_NUMBER)):
        say(line)
    intake = Intake(questionnaire, rulebook, ask, say, emergency_number=number)
    return intake.run(), number


def _wrapped(text: str) -> list[str]:
    import textwrap

    return textwrap.wrap(" ".join(text.split()), width=78)


def finish_intake(
    recommender: Recommender,
    outcome: Outcome,
    number: Optional[str],
    fmt: str,
    weeks: int,
    save: Optional[str],
    output: Optional[str],
) -> tuple[Triage, str]:
    """The triage and the rendered result at the end of an intake: the emergency that
    stopped it, or the whole result of the answers given."""
    from recommender.app.output import color_wanted
    from recommender.render import RenderOptions, render_result, render_stopped_result

    color = color_wanted(output)
    if outcome.emergency:
        found = stopped_triage(outcome.emergency, number)
        return found, render_stopped_result(outcome.emergency, number, fmt, color=color)
    answers = validate_answers(outcome.answers, "your answers")
    result = recommender.recommend(answers, weeks=weeks, emergency_number=number)
    hint = f"--answers {save}" if save else "--answers FILE (save your answers with --save)"
    return result.triage, render_result(result, fmt, RenderOptions(color=color, explain_args=hint))


#: No reply is longer than this; a longer one is read and dropped in pieces, so a
#: pasted novel costs neither time nor memory.
MAX_REPLY_BYTES = 1000


def read_reply(hint: str) -> str:
    """One typed line, read as bytes and decoded here, so that a stray byte from a
    terminal in another encoding is asked again (Invalid) rather than ending the
    intake. End of input is EOFError; Ctrl-C stays KeyboardInterrupt, so the two can
    end the intake with different exit codes."""
    click.echo(hint, nl=False, err=True)
    stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    if stdin is None:  # a text-only stream (an embedding program): already decoded
        text = sys.stdin.readline()
        if not text:
            raise EOFError
        return text.rstrip("\r\n")[:MAX_REPLY_BYTES]
    line = stdin.readline(MAX_REPLY_BYTES + 1)
    if not line:
        raise EOFError
    if len(line) > MAX_REPLY_BYTES and not line.endswith(b"\n"):
        while line and not line.endswith(b"\n"):  # drop the rest of the line
            line = stdin.readline(64 * 1024)
        raise Invalid(f"That answer is too long (over {MAX_REPLY_BYTES} characters).")
    try:
        return line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise Invalid(
            "That answer could not be read (it is not UTF-8 text). Please type it again."
        ) from None
