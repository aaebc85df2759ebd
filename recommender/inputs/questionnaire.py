"""The intake's questions (`data/questions.yaml`) and the reading of typed answers.

The questions and their wording are data; what each answer may be comes from the
answers model. `parse_answer` turns what a person typed into an answer, or explains
plainly why it cannot (Invalid). The conversation itself is app/intake.py's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Optional

from recommender.core.answers import (
    LAST_START_DATE,
    SECTIONS,
    Answers,
    answer_fields,
    answer_keys,
    name_problem,
)
from recommender.core.errors import DataFileError
from recommender.inputs.datafiles import bundled_dir, read_yaml
from recommender.inputs.validation import ValidationError, problems, validate

QUESTIONS_FILE = "questions.yaml"


@dataclass(frozen=True, eq=False)
class Part:
    """A further yes/no question for the same answer (`or_ask`)."""

    __pydantic_config__ = {"extra": "forbid", "strict": True}

    ask: str
    help: str = ""


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
    intro: str = ""
    """Shown under the group's heading, before its first question"""
    short: str = ""
    """The answer's name in the intake's review, in a few words"""
    or_ask: tuple[Part, ...] = ()
    """Further questions for the same yes/no answer, each asked after a "no": one
    question asks one thing, and the answer is yes when any of them is"""
    from_age: Optional[int] = None
    """Asked only from this age; below it the answer is no, because no rule reads it
    below this age (tests/inputs/test_questionnaire.py)"""
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Other words people use for a choice (choice value -> words): each names that
    choice as fully as its own words do. Never a word that could mean a more serious
    choice too ("fall" could be a fall from a height)."""

    def parts(self) -> tuple[Part, ...]:
        """Every question asked for this answer, in order: the first, then `or_ask`."""
        return (Part(self.ask, self.help), *self.or_ask)

    def skipped(self, age: Any) -> bool:
        """True when this question is not asked at `age` (its answer is then no)."""
        return self.from_age is not None and isinstance(age, int) and age < self.from_age

    def full_text(self) -> str:
        """Every part of the question in one text (for a form that holds one line)."""
        return " Or: ".join(" ".join(part.ask.split()) for part in self.parts())


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
        # The country has a question of its own, asked first (it names the emergency
        # number in every warning that follows).
        wanted = [key for key in answer_keys() if key != "country"]
        if sorted(keys) != sorted(wanted):
            missing = sorted(set(wanted) - set(keys))
            unknown = sorted(set(keys) - set(wanted))
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            raise ValueError(
                f"questions must cover every answer once: missing {missing}, "
                f"unknown {unknown}, repeated {repeated}"
            )
        fields = answer_fields()
        for q in self.questions:
            spec = fields.get(q.key)
            yes_no = spec is not None and spec.kind == "yes_no"
            if q.key.split(".")[0] in SECTIONS and q.default is not None:
                raise ValueError(f"{q.key}: a safety question must have no default")
            if (q.or_ask or q.from_age is not None) and not yes_no:
                raise ValueError(f"{q.key}: only yes/no questions take or_ask or from_age")
            if spec is not None and spec.kind in ("choice", "choices"):
                if set(q.choices) != set(spec.choices):
                    raise ValueError(f"{q.key}: choices must be exactly {list(spec.choices)}")
            elif q.choices:
                raise ValueError(f"{q.key}: only questions with fixed answers take choices")
            unknown_synonyms = sorted(set(q.synonyms) - set(q.choices))
            if unknown_synonyms:
                raise ValueError(f"{q.key}: synonyms for unknown choices {unknown_synonyms}")
            _no_shared_synonyms(q)


def _no_shared_synonyms(question: Question) -> None:
    """A word may name one choice only: a synonym that is also another choice's word
    or synonym would be a guess."""
    seen: dict[str, str] = {}
    for value, words in question.synonyms.items():
        for word in words:
            plain = _plain(word)
            if plain in seen and seen[plain] != value:
                raise ValueError(f"{question.key}: synonym {word!r} names two choices")
            seen[plain] = value
    for option in choices(question):
        for form in _forms(option, with_synonyms=False):
            if form in seen and seen[form] != option.value:
                raise ValueError(f"{question.key}: synonym {form!r} is another choice's word")


def load_questionnaire(directory: Optional[Path] = None) -> Questionnaire:
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


def kind_of(question: Question) -> str:
    spec = answer_fields().get(question.key)
    if spec is not None:
        return spec.kind
    return {"start_date": "date", "name": "text"}[question.key]


def _optional(question: Question) -> bool:
    """The answers the model lets a person leave out (it gives them a default)."""
    fields = {f.name: f for f in dataclasses.fields(Answers)}
    known = fields.get(question.key)
    return known is not None and known.default is not dataclasses.MISSING


class Choice(NamedTuple):
    number: int
    value: str
    words: str
    synonyms: tuple[str, ...] = ()


def choices(question: Question) -> list[Choice]:
    return [
        Choice(n, value, words, tuple(question.synonyms.get(value, ())))
        for n, (value, words) in enumerate(question.choices.items(), 1)
    ]


def parse_answer(question: Question, text: str, today: Optional[dt.date] = None) -> Any:
    """The answer to `question` that `text` gives, or Invalid with what to type."""
    text = text.strip()
    kind = kind_of(question)
    if not text:
        return _blank(question, kind)
    if kind == "yes_no":
        return _yes_no(text)
    if kind == "number":
        return _number(question, text)
    if kind == "choice":
        return _one_choice(question, text)
    if kind == "choices":
        if text.lower() in ("none", "nothing", "-") and question.default == []:
            return []
        return _many_choices(question, text)
    if kind == "date":
        return _date(text, today or dt.date.today())
    return _free_text(text)


def _blank(question: Question, kind: str) -> Any:
    """Enter alone: the question's default, nothing for an optional one, else asked again."""
    if question.default is not None:
        return question.default
    if _optional(question):
        return None
    raise Invalid("Please answer yes or no." if kind == "yes_no" else "Please give an answer.")


def _yes_no(text: str) -> bool:
    word = text.lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Invalid("Please answer yes or no (y or n).")


def _number(question: Question, text: str) -> int:
    spec = answer_fields()[question.key]
    wanted = f"Please give a whole number from {spec.minimum} to {spec.maximum}."
    if not re.fullmatch(r"[0-9]{1,4}", text):
        raise Invalid(wanted)
    number = int(text)
    if not spec.minimum <= number <= spec.maximum:  # type: ignore[operator]
        raise Invalid(wanted)
    return number


def _free_text(text: str) -> Optional[str]:
    # Free text: a stray control character (a pasted escape) is dropped; anything else
    # the model would refuse is refused here, at its own question, with the model's own
    # check, so it can never be refused after the warning-sign questions.
    cleaned = _CONTROL.sub("", text).strip()
    problem = name_problem(cleaned)
    if problem is not None and len(cleaned) > 100:
        raise Invalid("Please keep it to 100 characters.")
    if problem is not None:
        raise Invalid(
            "Please type the name as plain text on one line, without invisible or "
            "special marks (such as a line separator or a right-to-left mark)."
        )
    return cleaned or None


#: Weekday names as people type them, Monday first (date.weekday()).
_WEEKDAY_WORDS = (
    ("monday", "mon"),
    ("tuesday", "tue", "tues"),
    ("wednesday", "wed"),
    ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)


def _weekday(word: str, today: dt.date) -> Optional[dt.date]:
    """A day of the week as people name a start: "monday", "this monday" or "on
    monday" is the coming Monday (today, if it is one); "next monday" or "monday next
    week" is the first Monday after today. None for anything else."""
    words = word.replace(",", " ").split()
    after = words[:1] == ["next"] or words[1:] == ["next", "week"]
    if words[:1] in (["next"], ["this"], ["on"]):
        words = words[1:]
    if words[1:] == ["next", "week"]:
        words = words[:1]
    if len(words) != 1:
        return None
    for number, names in enumerate(_WEEKDAY_WORDS):
        if words[0] in names:
            ahead = (number - today.weekday()) % 7
            return today + dt.timedelta(days=7 if after and ahead == 0 else ahead)
    return None


def _date(text: str, today: dt.date) -> str:
    word = " ".join(text.lower().split())
    if word in ("today", "tomorrow", "now"):
        return (today + dt.timedelta(days=word == "tomorrow")).isoformat()
    named = _weekday(word, today)
    if named is not None:
        return named.isoformat()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(
            "Please give a real date written YYYY-MM-DD, or 'today', 'tomorrow' or a day "
            "of the week such as 'monday' or 'next monday'."
        ) from None
    if date < today:
        raise Invalid(
            f"Please give today or a later date: {date.isoformat()} has already passed, "
            "and a plan cannot start in the past."
        )
    if date > LAST_START_DATE:
        raise Invalid(
            f"Please give a date up to {LAST_START_DATE.isoformat()}, so that the whole "
            "plan fits in the calendar."
        )
    return date.isoformat()


# -- choices: the words on the screen, numbers, codes and unambiguous beginnings --------


def _forms(option: Choice, with_synonyms: bool = True) -> set[str]:
    """Everything that names `option` in full: its number, its words as shown (also
    without a note in brackets or a leading "a"), its code and its synonyms."""
    shown = _plain(option.words)
    forms = {str(option.number), shown, _plain(re.sub(r"\(.*?\)", " ", option.words))}
    forms |= {f.split(" ", 1)[1] for f in forms if f.startswith(("a ", "an "))}
    if with_synonyms:
        forms |= {_plain(word) for word in option.synonyms}
    return forms | {_plain(option.value)}


def _plain(text: str) -> str:
    """Lower case, underscores as spaces, one space between words, no final dot."""
    return " ".join(text.lower().replace("_", " ").split()).rstrip(".)")


def _match(question: Question, phrase: str) -> list[Choice]:
    """The choices `phrase` names: one exactly, else those it is a beginning of."""
    options = choices(question)
    exact = [o for o in options if phrase in _forms(o)]
    if exact:
        return exact[:1]
    if phrase in _NO and "no" in question.choices:  # "n" as at every yes/no question
        return [o for o in options if o.value == "no"]
    if phrase in _YES:
        phrase = "yes"  # "y" at the pregnancy question: which "Yes, ..." is asked next
    if len(phrase) < 2 or phrase.isdigit():
        return []  # a number names its choice exactly; one letter is too little
    begun = [o for o in options if any(f.startswith(phrase) for f in _forms(o))]
    if begun:
        return begun
    # A word (or words) found in one choice's words only names it ("band": "A
    # resistance band"); found in several, it is asked about ("back").
    return [o for o in options if f" {phrase} " in f" {_plain(_words_only(o.words))} "]


def _words_only(text: str) -> str:
    """Text with its punctuation as spaces, so that words can be found whole."""
    return re.sub(r"[^\w' ]+", " ", text)


def _listed(question: Question) -> str:
    return ", ".join(f"{o.number}) {o.words}" for o in choices(question))


def _refuse(question: Question, phrase: str, found: list[Choice]) -> Invalid:
    if len(found) > 1:
        could = "; ".join(f"{o.number}) {o.words}" for o in found)
        return Invalid(f'Please say which you mean: "{phrase}" could be {could}.')
    return Invalid(f'Please choose from the list; "{phrase}" is not one of: {_listed(question)}.')


def _one_choice(question: Question, text: str) -> str:
    phrase = _plain(text)
    found = _match(question, phrase)
    if len(found) == 1:
        return found[0].value
    raise _refuse(question, phrase, found)


#: Words between choices that join rather than name ("neck and lower back").
_JOINING = {"and", "&", "+", "plus"}


def _many_choices(question: Question, text: str) -> list[str]:
    """Choices separated by commas or spaces; a choice shown as several words
    ("Lower back") is read as one, taking the longest run of words that names one."""
    picked: list[str] = []
    for part in re.split(r"[,;]+", text):
        words = [w for w in _plain(part).split(" ") if w and w not in _JOINING]
        start = 0
        while start < len(words):
            for end in range(len(words), start, -1):
                found = _match(question, " ".join(words[start:end]))
                if len(found) == 1:
                    if found[0].value not in picked:
                        picked.append(found[0].value)
                    start = end
                    break
            else:
                raise _refuse(question, words[start], _match(question, words[start]))
    if not picked:
        raise Invalid("Please give an answer.")
    return picked
