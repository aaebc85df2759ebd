"""The intake conversation in the terminal: asking, going back, the review, and
stopping early when the answer is already known.

The conversation goes through two callables, `ask` and `say`, so the same flow runs in
a terminal, under test, or anywhere else. It stops early in two cases:

- an emergency red flag: the emergency rules are checked after every answer (also one
  changed by going back or at the review) with three-valued logic, so a rule fires as
  soon as the answers given so far settle it, whatever is still unasked;
- a withholding rule that already holds before the warning-sign questions (WH-MINOR,
  from the first answer, the age): no plan can follow, so the person is told at once,
  with the rule's advice, rather than after forty questions.

`back` (or `b`) at any question returns to the one before; the answers already given
stay, and pressing Enter keeps each one. At the end a review lists every answer by
number, and any can be changed before the result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

import click

from recommender.core.paths import set_path
from recommender.inputs.questionnaire import (
    Invalid,
    Question,
    Questionnaire,
    choices,
    kind_of,
    load_questionnaire,
    parse_answer,
)
from recommender.pipeline.triage import Flag, triage_flag
from recommender.render.questions import prompt_text
from recommender.rulebook.conditions import holds
from recommender.rulebook.rules import RedFlagRule, Rulebook, WithholdRule

__all__ = ["Intake", "Outcome", "load_questionnaire", "read_reply"]

#: What a person types to return to the question before.
BACK = ("back", "b")


class Outcome(NamedTuple):
    """What the intake gathered, and what stopped it early (if anything)."""

    answers: dict[str, Any]
    emergency: tuple[Flag, ...] = ()
    withheld: Optional[WithholdRule] = None


class _Back:
    """The reply `back`, as distinct from any answer."""


class _Kept(NamedTuple):
    """Enter at a question answered before: the earlier answer, kept."""

    value: Any


@dataclass
class Intake:
    """Asks every question in order, re-asking until each answer is usable."""

    questionnaire: Questionnaire
    rulebook: Rulebook
    ask: Callable[[str], str]
    say: Callable[[str], None]
    emergency_number: Optional[str] = None
    today: Optional[dt.date] = None
    width: Callable[[], int] = lambda: 78
    given: dict[str, Any] = field(default_factory=dict)
    """question key -> answer so far (None: an optional answer left blank); a resumed
    intake starts with the draft's"""
    country_words: Optional[Callable[[], str]] = None
    """The country in words, for the review (its question is asked before these)"""
    change_country: Optional[Callable[[], None]] = None
    """Asks the country again, from the review"""

    def run(self) -> Outcome:
        questions = self.questionnaire.questions
        stop = self._stop()  # a resumed draft is checked before anything is asked
        if stop is not None:
            return stop
        at = self.first_unanswered()
        while at < len(questions):
            question = questions[at]
            if self._skip(question):
                at += 1
                continue
            if question.group:
                self.say(f"\n{question.group}")
                if question.intro:
                    self._explain(question.intro, indent="")
            value = self._ask_until_valid(question, at)
            if isinstance(value, _Back):
                before = self._asked_before(at)
                if before is None:
                    self.say("  This is the first question.")
                else:
                    at = before
                continue
            self.given[question.key] = value
            stop = self._stop()
            if stop is not None:
                return stop
            at += 1  # after going back, each later question is shown again to confirm
        return self._review()

    def _skip(self, question: Question) -> bool:
        """A question not asked at the person's age (Question.from_age): its answer
        is no, which no rule can read at that age (see `answers`)."""
        return question.skipped(self.given.get("age"))

    def _asked_before(self, at: int) -> Optional[int]:
        """The question before `at` that is asked at the person's age, or None."""
        questions = self.questionnaire.questions
        for index in range(at - 1, -1, -1):
            if not questions[index].skipped(self.given.get("age")):
                return index
        return None

    def first_unanswered(self) -> int:
        questions = self.questionnaire.questions
        return next(
            (i for i, q in enumerate(questions) if q.key not in self.given and not self._skip(q)),
            len(questions),
        )

    def answers(self, complete: bool = False) -> dict[str, Any]:
        """The answers so far as an answers file holds them (blank ones left out).
        `complete`: at the end, each question not asked at the person's age is
        answered no (which no rule reads at that age)."""
        answers: dict[str, Any] = {}
        for question in self.questionnaire.questions:
            value = self.given.get(question.key)
            if complete and question.key not in self.given and self._skip(question):
                value = False
            if value is not None:
                set_path(answers, question.key, value)
        return answers

    # -- stopping early ---------------------------------------------------------------

    def _stop(self) -> Optional[Outcome]:
        answers = self.answers()
        # Neither engine reads partial answers, so the stop uses the three-valued
        # reading of the same conditions; tests/app/test_intake_emergency_stop.py holds
        # it to both engines (docs/architecture.md, "The intake's emergency stop").
        fired = [
            r
            for r in self.rulebook.red_flags
            if r.level == "emergency" and r.condition and holds(r.condition, answers)
        ]
        if fired:
            return Outcome(answers, tuple(self._flag(r) for r in fired))
        if any(key.startswith("red_flags.") for key in self.given):
            return None  # screening has begun: it finishes, so no warning sign is missed
        for rule in self.rulebook.withhold:
            if rule.condition is not None and holds(rule.condition, answers) is True:
                return Outcome(answers, (), rule)
        return None

    def _flag(self, rule: RedFlagRule) -> Flag:
        return triage_flag(rule, self.emergency_number)

    # -- one question -------------------------------------------------------------------

    def _ask_until_valid(self, question: Question, at: int, allow_back: bool = True) -> Any:
        """The answer to `question` (or _Back), asked until it is usable."""
        earlier = question.key in self.given
        if question.or_ask:
            return self._ask_parts(question, at, allow_back, earlier)
        value = self._ask_one(question, at, allow_back, earlier)
        return value.value if isinstance(value, _Kept) else value

    def _ask_parts(self, question: Question, at: int, allow_back: bool, earlier: bool) -> Any:
        """A yes/no answer asked as several questions, one thing each: the first "yes"
        answers it, and "no" to every one is no. Enter at the first keeps an earlier
        answer; `back` steps back through the parts."""
        parts = [
            dataclasses.replace(question, ask=part.ask, help=part.help, or_ask=())
            for part in question.parts()
        ]
        index = 0
        while index < len(parts):
            value = self._ask_one(parts[index], at, allow_back or index > 0, earlier and not index)
            if isinstance(value, _Back):
                if index == 0:
                    return value
                index -= 1
            elif isinstance(value, _Kept) or value is True:
                return value.value if isinstance(value, _Kept) else value
            else:
                index += 1
        return False

    def _ask_one(self, question: Question, at: int, allow_back: bool, earlier: bool) -> Any:
        total = len(self.questionnaire.questions)
        self.say(prompt_text(question, f"[{at + 1}/{total}]", self.width()))
        hint = _reply_hint(question, self.given.get(question.key), earlier, allow_back)
        while True:
            try:  # an unreadable reply (read_reply) is asked again, like a wrong one
                reply = self.ask(hint)
                if reply.strip().lower() in BACK and allow_back:
                    return _Back()
                if earlier and not reply.strip():
                    return _Kept(self.given[question.key])  # Enter keeps the earlier answer
                return parse_answer(question, reply, self.today)
            except Invalid as problem:
                self._explain(str(problem))

    def _explain(self, problem: str, indent: str = "  ") -> None:
        """Why an answer was refused (or a group's introduction), wrapped to the
        terminal like the questions."""
        for line in textwrap.wrap(
            problem, self.width(), initial_indent=indent, subsequent_indent=indent
        ):
            self.say(line)

    # -- the review ---------------------------------------------------------------------

    def _review(self) -> Outcome:
        """Every answer in plain words, then any changed by its number (C: the country),
        each change confirmed on one line so that it never scrolls away; L lists them
        all again."""
        questions = self.questionnaire.questions
        country = "C: the country, " if self.change_country is not None else ""
        listing = True
        while True:
            if listing:
                self.say("")
                lines = review_lines(self.questionnaire, self.given, self.width())
                if self.country_words is not None:  # after the heading, before the answers
                    lines.insert(1, f"  C. Country: {self.country_words()}")
                for line in lines:
                    self.say(line)
                listing = False
            try:
                reply = self.ask(
                    f"  Change one (1-{len(questions)}, {country}L: list them again), or "
                    "press Enter for your result > "
                ).strip()
            except Invalid as problem:
                self._explain(str(problem))
                continue
            if not reply:
                return Outcome(self.answers(complete=True))
            if reply.lower() in ("l", "list"):
                listing = True
                continue
            if reply.lower() in ("c", "country") and self.change_country is not None:
                self.change_country()
                if self.country_words is not None:
                    self._explain(f"Changed: country: {self.country_words()}")
                continue
            if not (reply.isdigit() and 1 <= int(reply) <= len(questions)):
                self._explain(
                    f"Please type a number from 1 to {len(questions)}, {country}L to list "
                    "your answers again, or press Enter to see your result."
                )
                continue
            at = int(reply) - 1
            if questions[at].skipped(self.given.get("age")):
                self._explain(
                    f"That question is asked only from the age of {questions[at].from_age}."
                )
                continue
            self.given[questions[at].key] = self._ask_until_valid(
                questions[at], at, allow_back=False
            )
            changed = questions[at]
            self._explain(
                f"Changed: {at + 1}. {changed.short or changed.key}: "
                f"{answer_words(changed, self.given[changed.key])}"
            )
            stop = self._now_asked() or self._stop()
            if stop is not None:
                return stop

    def _now_asked(self) -> Optional[Outcome]:
        """After a change at the review (a new age), the questions that were not asked
        at the old age and are now: asked at once, each checked for an emergency."""
        for at, question in enumerate(self.questionnaire.questions):
            if question.key not in self.given and not self._skip(question):
                self.given[question.key] = self._ask_until_valid(question, at, allow_back=False)
                stop = self._stop()
                if stop is not None:
                    return stop
        return None


def review_lines(questionnaire: Questionnaire, given: dict[str, Any], width: int) -> list[str]:
    """Every answer in plain words, numbered as asked and grouped under the headings."""
    lines = ["Your answers:"]
    total = len(questionnaire.questions)
    number_width = len(str(total))
    for number, question in enumerate(questionnaire.questions, 1):
        if question.group:
            lines += ["", f"  {question.group.split(' (')[0]}"]
        label = f"  {number:>{number_width}}. "
        words = answer_words(question, given.get(question.key))
        if question.key not in given and question.skipped(given.get("age")):
            words = f"not asked under {question.from_age}"
        text = f"{question.short or question.key}: {words}"
        lines += textwrap.wrap(
            text, width=width, initial_indent=label, subsequent_indent=" " * len(label)
        )
    lines.append("")
    return lines


def answer_words(question: Question, value: Any) -> str:
    """An answer as the person saw its choices: "Yes", "Lower back", "left blank"."""
    if value is None:
        return "left blank"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    shown = {c.value: c.words for c in choices(question)}
    if isinstance(value, list):
        return ", ".join(shown.get(str(v), str(v)) for v in value) or "none"
    return shown.get(str(value), str(value))


def _reply_hint(question: Question, before: Any, earlier: bool, allow_back: bool = True) -> str:
    if earlier:
        back = "; back: the one before" if allow_back else ""
        return f"  [Enter: keep '{answer_words(question, before)}'{back}] > "
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
