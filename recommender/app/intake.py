"""The intake questionnaire: asking, checking each answer, and stopping for emergencies.

The questions and their wording are data (`data/questions.yaml`); what each answer may
be comes from the answers model. The conversation goes through two callables, `ask`
and `say`, so the same flow runs in a terminal, under test, or anywhere else.

An emergency red flag ends the intake the moment it is answered: the emergency rules
are checked after every answer with three-valued logic, so a rule fires as soon as the
answers given so far settle it, whatever is still unasked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Optional

from recommender.core.answers import Answers, answer_fields, answer_keys
from recommender.core.errors import DataFileError
from recommender.inputs.datafiles import bundled_dir
from recommender.pipeline.triage import Flag, triage_flag
from recommender.rulebook.conditions import holds
from recommender.rulebook.rules import RedFlagRule, Rulebook

QUESTIONS_FILE = "questions.yaml"


@dataclass(frozen=True, eq=False)
class Question:
    """One question: the answers-file key it fills, and the words to ask it with."""

    __pydantic_config__ = {"extra": "forbid", "strict": True}

    key: str
    ask: str
    help: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    default: Optional[Any] = None
    group: Optional[str] = None


@dataclass(frozen=True, eq=False)
class CountryQuestion:
    __pydantic_config__ = {"extra": "forbid", "strict": True}

    ask: str
    help: str = ""


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """Every question, in the order asked."""

    __pydantic_config__ = {"extra": "forbid", "strict": True}

    country: CountryQuestion
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        keys = [q.key for q in self.questions]
        if sorted(keys) != sorted(answer_keys()):
            missing = sorted(set(answer_keys()) - set(keys))
            unknown = sorted(set(keys) - set(answer_keys()))
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            raise ValueError(
                f"questions must cover every answer once: missing {missing}, "
                f"unknown {unknown}, repeated {repeated}"
            )
        fields = answer_fields()
        for q in self.questions:
            spec = fields.get(q.key)
            if q.key.split(".")[0] in ("red_flags", "history") and q.default is not None:
                raise ValueError(f"{q.key}: a safety question must have no default")
            if spec is not None and spec.kind in ("choice", "choices"):
                if set(q.choices) != set(spec.choices):
                    raise ValueError(f"{q.key}: choices must be exactly {list(spec.choices)}")
            elif q.choices:
                raise ValueError(f"{q.key}: only questions with fixed answers take choices")


def load_questionnaire(directory: Optional[Path] = None) -> Questionnaire:
    from recommender.inputs.datafiles import read_yaml
    from recommender.inputs.validation import ValidationError, problems, validate

    path = (directory or bundled_dir("data")) / QUESTIONS_FILE
    try:
        return validate(Questionnaire, read_yaml(path))
    except ValidationError as exc:
        raise DataFileError(f"{path}: {'; '.join(problems(exc))}") from None


# -- reading one answer ------------------------------------------------------------


class Invalid(ValueError):
    """An answer that cannot be used; the message says what to type instead."""


_YES = {"y", "yes"}
_NO = {"n", "no"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _kind(question: Question) -> str:
    spec = answer_fields().get(question.key)
    if spec is not None:
        return spec.kind
    return {"start_date": "date", "name": "text"}[question.key]


def _optional(question: Question) -> bool:
    """The answers the model lets a person leave out (it gives them a default)."""
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(Answers)}
    known = fields.get(question.key)
    return known is not None and known.default is not dataclasses.MISSING


class Choice(NamedTuple):
    number: int
    value: str
    words: str


def choices(question: Question) -> list[Choice]:
    return [Choice(n, value, words) for n, (value, words) in enumerate(question.choices.items(), 1)]


def parse_answer(question: Question, text: str, today: Optional[dt.date] = None) -> Any:
    """The answer to `question` that `text` gives, or Invalid with what to type."""
    text = text.strip()
    if not text:
        if question.default is not None:
            return question.default
        if _optional(question):
            return None
        raise Invalid(
            "Please answer yes or no." if _kind(question) == "yes_no" else "Please give an answer."
        )
    kind = _kind(question)
    spec = answer_fields().get(question.key)
    if kind == "yes_no":
        word = text.lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise Invalid("Please answer yes or no (y or n).")
    if kind == "number":
        assert spec is not None
        if not re.fullmatch(r"[0-9]{1,4}", text):
            raise Invalid(f"Please give a whole number from {spec.minimum} to {spec.maximum}.")
        number = int(text)
        if not spec.minimum <= number <= spec.maximum:  # type: ignore[operator]
            raise Invalid(f"Please give a whole number from {spec.minimum} to {spec.maximum}.")
        return number
    if kind == "choice":
        return _one_choice(question, text)
    if kind == "choices":
        if text.lower() in ("none", "nothing", "-") and question.default == []:
            return []
        picked: list[str] = []
        for token in re.split(r"[\s,;]+", text):
            if token:
                value = _one_choice(question, token)
                if value not in picked:
                    picked.append(value)
        return picked
    if kind == "date":
        if text.lower() == "today":
            return (today or dt.date.today()).isoformat()
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                raise ValueError
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise Invalid("Please give a real date written YYYY-MM-DD, or 'today'.") from None
    # Free text: printable characters only, so nothing can disturb a terminal later.
    cleaned = _CONTROL.sub("", text).strip()
    if len(cleaned) > 100:
        raise Invalid("Please keep it to 100 characters.")
    return cleaned or None


def _one_choice(question: Question, token: str) -> str:
    options = choices(question)
    word = token.strip().lower().rstrip(".)")
    for option in options:
        if word == str(option.number) or word == option.value.lower():
            return option.value
    # A unique beginning of a value or of its words is enough ("lower", "wor").
    starts = [
        o for o in options if o.value.lower().startswith(word) or o.words.lower().startswith(word)
    ]
    if len(starts) == 1 and len(word) >= 2:
        return starts[0].value
    listed = ", ".join(o.value for o in options)
    raise Invalid(f"Please choose a number from 1 to {len(options)}, or one of: {listed}.")


# -- the conversation ----------------------------------------------------------------


class Outcome(NamedTuple):
    """What the intake gathered: the answers, and the emergency flags that stopped it."""

    answers: dict
    emergency: tuple[Flag, ...]


def _set(answers: dict, key: str, value: Any) -> None:
    if value is None:
        return  # optional answers left blank stay out of the file
    *parents, leaf = key.split(".")
    target = answers
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


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
        emergency_rules = [r for r in self.rulebook.red_flags if r.level == "emergency"]
        total = len(self.questionnaire.questions)
        for number, question in enumerate(self.questionnaire.questions, 1):
            if question.group:
                self.say(f"\n{question.group}")
            value = self._ask_until_valid(question, f"[{number}/{total}]")
            _set(answers, question.key, value)
            # Neither engine reads partial answers, so the stop uses the three-valued
            # reading of the same conditions; tests/test_intake_emergency_stop.py holds
            # it to both engines (docs/architecture.md, "The intake's emergency stop").
            fired = [r for r in emergency_rules if holds(r.when, answers) is True]
            if fired:
                return Outcome(answers, tuple(self._flag(r) for r in fired))
        return Outcome(answers, ())

    def _flag(self, rule: RedFlagRule) -> Flag:
        return triage_flag(rule, self.emergency_number)

    def _ask_until_valid(self, question: Question, progress: str) -> Any:
        self.say(prompt_text(question, progress))
        while True:
            reply = self.ask(_reply_hint(question))
            try:
                return parse_answer(question, reply, self.today)
            except Invalid as problem:
                self.say(f"  {problem}")


def prompt_text(question: Question, progress: str) -> str:
    """The question as shown: progress, the question, its help and numbered choices."""
    import textwrap

    pad = " " * (len(progress) + 1)
    lines = textwrap.wrap(
        " ".join(question.ask.split()),
        width=78,
        initial_indent=progress + " ",
        subsequent_indent=pad,
    )
    if question.help:
        lines += textwrap.wrap(
            " ".join(question.help.split()), width=78, initial_indent=pad, subsequent_indent=pad
        )
    for option in choices(question):
        lines.append(f"{pad}  {option.number}) {option.words}")
    return "\n".join(lines)


def _reply_hint(question: Question) -> str:
    if _kind(question) == "yes_no":
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
