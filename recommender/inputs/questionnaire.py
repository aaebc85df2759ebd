"""The intake's questions (`data/questions.yaml`) and the reading of typed answers.

The questions and their wording are data; what each answer may be comes from the
answers model. `parse_answer` turns what a person typed into an answer, or explains
plainly why it cannot (Invalid). The conversation itself is app/intake.py's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Optional

from recommender.core.answers import Answers, answer_fields, answer_keys
from recommender.core.errors import DataFileError
from recommender.inputs.datafiles import bundled_dir

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


def kind_of(question: Question) -> str:
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
            "Please answer yes or no."
            if kind_of(question) == "yes_no"
            else "Please give an answer."
        )
    kind = kind_of(question)
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
