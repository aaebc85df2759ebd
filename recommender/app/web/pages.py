"""What the pages show: the questions of a section as fields, answers in words, the
country list. Plain functions from the questionnaire and the state to the values the
templates draw; the routes (routes/) decide which page to show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import lru_cache
from typing import Any, Optional, TypedDict

from markupsafe import Markup

from recommender.app.web import form
from recommender.app.web.site import country_name, templates
from recommender.core.paths import get_path
from recommender.core.typed import whole_number
from recommender.inputs.countries import emergency_numbers
from recommender.inputs.questionnaire import Question
from recommender.render.html import long_date


@lru_cache(maxsize=1)
def countries() -> tuple[tuple[str, str, str], ...]:
    """(code, name, emergency number) of every country, by name: built once, on the
    first start page drawn (not when the app is made, so that a fault in it shows as
    that page's error rather than stopping the server)."""
    found = ((code, country_name(code), number) for code, number in emergency_numbers().items())
    return tuple(sorted(found, key=lambda c: c[1]))


@lru_cache(maxsize=512)
def country_options(chosen: Optional[str]) -> Markup:
    """The country list's options, with `chosen` selected: drawn once for each
    country chosen (a few hundred at most), since they are most of a start page."""
    template = templates().get_template("country_options.html.j2")
    return Markup(template.render(countries=countries(), chosen=chosen))


def section_at(sections: tuple[form.Section, ...], number: str) -> Optional[form.Section]:
    """The section at /questions/NUMBER, or None (ASCII digits only, in range)."""
    found = whole_number(number, digits=3)
    if found is None or not 1 <= found <= len(sections):
        return None
    return sections[found - 1]


def as_date(text: str) -> Optional[dt.date]:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def raw_from(
    answers: dict[str, Any], section: form.Section, parts: dict[str, list[Optional[bool]]]
) -> dict[str, Any]:
    """Kept answers as a form shows them."""
    raw: dict[str, Any] = {}
    for question in section.questions:
        value = get_path(answers, question.key, None)
        if question.or_ask:
            raw.update(_raw_parts(question, value, parts.get(question.key)))
            continue
        if value is None:
            raw[question.key] = [] if form.kind(question) == "choices" else ""
        elif isinstance(value, bool):
            raw[question.key] = "yes" if value else "no"
        elif isinstance(value, list):
            raw[question.key] = list(value)
        else:
            raw[question.key] = str(value)
    return raw


def _raw_parts(
    question: Question, value: Any, known: Optional[list[Optional[bool]]]
) -> dict[str, str]:
    """A question asked in parts as the form shows it: each part's own answer when it
    was kept, else "no" to every part for no, and nothing to guess for yes."""
    keys = form.part_keys(question)
    if known is None or len(known) != len(keys):
        known = [False if value is False else None] * len(keys)
    words = {True: "yes", False: "no", None: ""}
    return {key: words[answer] for key, answer in zip(keys, known, strict=True)}


class Choice(TypedDict):
    """One box or button of a field, as section.html.j2 draws it."""

    value: str
    words: str
    checked: bool
    alarming: bool
    """Ticking it would stop the questions with an emergency (the page warns at once)"""


class Field(TypedDict):
    """One question (or one part of it) as section.html.j2 draws it."""

    key: str
    id: str
    kind: str
    ask: str
    help: str
    value: str
    """What is typed in a text or number field"""
    options: list[Choice]
    error: Optional[str]
    optional: bool


def fields(
    question: Question,
    values: dict[str, Any],
    errors: dict[str, str],
    alarming: set[tuple[str, str]],
) -> list[Field]:
    """A question as the template draws it: one field, or one per part."""
    if not question.or_ask:
        return [_field(question, values, errors, alarming)]
    fields: list[Field] = []
    for key, part in zip(form.part_keys(question), question.parts(), strict=True):
        shown = dataclasses.replace(question, key=key, ask=part.ask, help=part.help, or_ask=())
        fields.append(_field(shown, values, errors, alarming, kind="yes_no"))
    return fields


def _field(
    question: Question,
    values: dict[str, Any],
    errors: dict[str, str],
    alarming: set[tuple[str, str]],
    kind: Optional[str] = None,
) -> Field:
    """One question as the template draws it."""
    kind = kind or form.kind(question)
    value = values.get(question.key, [] if kind == "choices" else "")
    if kind == "yes_no":
        options = [("yes", "Yes"), ("no", "No")]
    else:
        options = list(question.choices.items())
    picked = set(value) if isinstance(value, list) else {value}
    default = question.default
    if not value and default is not None and kind in ("number", "choice"):
        value = str(default)  # shown filled in, as the terminal offers it on Enter
        picked = {value}
    return {
        "key": question.key,
        "id": form.input_id(question.key),
        "kind": kind,
        "ask": " ".join(question.ask.split()),
        "help": form.help_text(question),
        "value": value if isinstance(value, str) else "",
        "options": [
            {
                "value": v,
                "words": words,
                "checked": v in picked,
                "alarming": (question.key, v) in alarming,
            }
            for v, words in options
        ],
        "error": errors.get(question.key),
        "optional": question.key in ("start_date", "name"),
    }


def review_words(question: Question, answers: dict[str, Any]) -> str:
    """An answer in the review, or why it was not asked."""
    value = get_path(answers, question.key, None)
    if value is None and question.skipped(answers.get("age")):
        return f"Not asked under {question.from_age}"
    return _answer_words(question, value)


def _answer_words(question: Question, value: Any) -> str:
    kind = form.kind(question)
    if value is None:
        return "Not given"
    if kind == "yes_no":
        return "Yes" if value else "No"
    if kind == "choice":
        return question.choices.get(value, str(value))
    if kind == "choices":
        return ", ".join(question.choices.get(v, str(v)) for v in value) or "None"
    if kind == "date":
        day = as_date(str(value))
        return long_date(day) if day else str(value)
    return str(value)
