"""The questionnaire as web pages: sections, the fields on them, and checking a submission.

The sections are the `group` headings of data/questions.yaml, in order, so the web
form, the terminal intake and the FHIR Questionnaire always ask the same questions in
the same words. Each answer is read with the terminal intake's own `parse_answer`, so
both accept and refuse exactly the same things; only the words for an empty answer are
the web's own (a person here ticks and types, they do not press Enter).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple, Optional

from recommender.core.answers import answer_fields
from recommender.core.paths import drop_path, get_path, set_path
from recommender.inputs.questionnaire import Invalid, Question, Questionnaire, parse_answer
from recommender.pipeline.triage import Flag, triage_flag
from recommender.rulebook.conditions import holds
from recommender.rulebook.rules import RedFlagRule

#: Free text typed into one field is cut here before it is kept between pages (the
#: longest real answer, a name, is 100 characters), so the state cookie stays small.
MAX_RAW = 200


class Section(NamedTuple):
    number: int  # 1-based, as in the address /questions/N
    title: str  # "Warning signs"
    hint: str  # "answer yes or no to each", or ""
    questions: tuple[Question, ...]
    intro: str = ""  # the group's introduction, from its first question


def sections(questionnaire: Questionnaire) -> tuple[Section, ...]:
    """The questionnaire cut at each `group` heading."""
    found: list[tuple[str, list[Question]]] = []
    for question in questionnaire.questions:
        if question.group or not found:
            found.append((question.group or "Questions", []))
        found[-1][1].append(question)
    result = []
    for number, (group, questions) in enumerate(found, 1):
        title, _, hint = group.partition(" (")
        intro = " ".join(questions[0].intro.split())
        result.append(Section(number, title, hint.rstrip(")"), tuple(questions), intro))
    return tuple(result)


def kind(question: Question) -> str:
    """yes_no, number, choice, choices, date or text."""
    spec = answer_fields().get(question.key)
    if spec is not None:
        return spec.kind
    return "date" if question.key == "start_date" else "text"


def help_text(question: Question) -> str:
    """The help line under a question, in words for a web page.

    The help lines in questions.yaml speak to a terminal where they tell how to type a
    list or that Enter skips a question; on a page those answers are ticked or left
    empty, so these say so instead.
    """
    if kind(question) == "choices":
        return "Leave them all unticked if none apply." if _may_be_blank(question) else ""
    if question.key == "start_date":
        return "Leave it empty for a plan without dates."
    if question.key == "name":
        return "Shown on your plan. You can leave it empty."
    return " ".join(question.help.split())


def input_id(key: str) -> str:
    """An HTML id for a dotted answers key (dots would need escaping in CSS)."""
    return "q-" + key.replace(".", "-")


# -- reading a submitted section -----------------------------------------------------


def part_keys(question: Question) -> list[str]:
    """The form's field names for a question: its key, and one more for each further
    part of a question asked in parts (`or_ask`), each a yes/no of its own."""
    return [question.key] + [f"{question.key}--{n}" for n in range(2, len(question.parts()) + 1)]


def asked(section: Section, age: Any) -> tuple[Question, ...]:
    """The questions of `section` asked at `age` (Question.from_age)."""
    return tuple(q for q in section.questions if not q.skipped(age))


def raw_values(section: Section, form: Mapping[str, Any]) -> dict[str, Any]:
    """What the person sent for each question of `section`, trimmed to a sane size.

    `form` maps a key to the list of values sent under it (several for check boxes).
    """
    raw: dict[str, Any] = {}
    for question in section.questions:
        for key in part_keys(question):
            values = [str(v)[:MAX_RAW] for v in form.get(key, [])]
            if kind(question) == "choices":
                raw[key] = values[: len(question.choices)]
            else:
                raw[key] = values[0] if values else ""
    return raw


def parts_of(section: Section, raw: Mapping[str, Any]) -> dict[str, list[Optional[bool]]]:
    """The yes/no sent for each part of the section's questions asked in parts."""
    found: dict[str, list[Optional[bool]]] = {}
    for question in section.questions:
        if question.or_ask:
            found[question.key] = [
                {"yes": True, "no": False}.get(str(raw.get(key, "")).strip().lower())
                for key in part_keys(question)
            ]
    return found


def check(
    section: Section,
    raw: Mapping[str, Any],
    today: Optional[dt.date] = None,
    age: Any = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The usable answers of a section and, beside them, a plain message for each
    field that is not usable. A blank optional answer is usable and left out; a
    question not asked at `age` is left out too (see `complete`)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in asked(section, age):
        if question.or_ask:
            _check_parts(question, raw, values, errors)
            continue
        sent = raw.get(question.key, "")
        text = " ".join(sent) if isinstance(sent, list) else str(sent)
        if not text.strip() and not _may_be_blank(question):
            errors[question.key] = _blank_message(question)
            continue
        try:
            value = parse_answer(question, text, today)
        except Invalid as problem:
            errors[question.key] = _bad_message(question, str(problem))
            continue
        if value is not None:
            values[question.key] = value
    return values, errors


def _check_parts(
    question: Question, raw: Mapping[str, Any], values: dict[str, Any], errors: dict[str, str]
) -> None:
    """A question asked in parts, as the terminal asks it: the first "yes" answers it
    (later parts need no answer), "no" to every part is no."""
    for key in part_keys(question):
        sent = str(raw.get(key, "")).strip().lower()
        if sent == "yes":
            values[question.key] = True
            return
        if sent != "no":
            errors[key] = _blank_message(question)
            return
    values[question.key] = False


def complete(answers: Mapping[str, Any], questionnaire: Questionnaire) -> dict[str, Any]:
    """`answers` with every question not asked at the person's age answered no, as
    the terminal intake records it (a copy)."""
    result = copy.deepcopy(dict(answers))
    age = result.get("age")
    for question in questionnaire.questions:
        if question.skipped(age) and get_path(result, question.key, None) is None:
            set_path(result, question.key, False)
    return result


def unanswered(section: Section, answers: Mapping[str, Any]) -> bool:
    """True when a question of `section` that is asked at the person's age, and needs
    an answer, has none (as when a new age brings in a question skipped before)."""
    return any(
        get_path(answers, q.key, None) is None and not _may_be_blank(q)
        for q in asked(section, answers.get("age"))
    )


def needed(section: Section) -> tuple[Question, ...]:
    """The questions of `section` that need an answer when they are asked."""
    return tuple(q for q in section.questions if not _may_be_blank(q))


def _may_be_blank(question: Question) -> bool:
    return question.default is not None or question.key in ("start_date", "name")


#: What to do about a field left empty, in the words of GOV.UK's error messages ("Enter
#: your age", "Select where it hurts"): the questions that are not yes or no, each its
#: own. A yes/no question's message names it by its short name in the review.
_MISSING = {
    "age": "Enter your age in whole years",
    "pain_areas": "Select where it hurts",
    "pain_intensity": "Enter how bad the pain has been, from 0 to 10",
    "pain_duration": "Select how long you have had this pain",
    "pain_trend": "Select whether the pain is getting better or worse",
    "onset": "Select how the pain started",
    "pregnancy": "Select whether you are pregnant",
    "days_per_week": "Enter how many days a week you can exercise",
    "minutes_per_session": "Enter how many minutes you can spend each time",
    "activity_level": "Select how active you are day to day",
}

#: A number outside its range or not a whole number, named as GOV.UK does ("Age must
#: be a whole number from 1 to 120"): the name, then the range from the answers model.
_NUMBER_NAMES = {
    "age": "Age",
    "pain_intensity": "Pain",
    "days_per_week": "Days a week",
    "minutes_per_session": "Minutes each time",
}


def _blank_message(question: Question) -> str:
    if question.key in _MISSING:
        return _MISSING[question.key]
    if kind(question) == "yes_no":
        short = question.short or " ".join(question.ask.split())
        return f"Select yes or no for {short[:1].lower()}{short[1:]}"
    return f"Enter {(question.short or 'an answer').lower()}"


def _bad_message(question: Question, problem: str) -> str:
    """A refused answer's message: a number's own, or the intake's words for the
    rest (a date, a name), which say exactly what is wrong."""
    spec = answer_fields().get(question.key)
    if kind(question) == "number" and spec is not None:
        name = _NUMBER_NAMES.get(question.key, question.short or "It")
        return f"{name} must be a whole number from {spec.minimum} to {spec.maximum}"
    if kind(question) in ("yes_no", "choice", "choices"):  # only by hand: pages tick
        return _blank_message(question)
    if kind(question) == "date" and problem.startswith("Please give a real date"):
        return "Start date must be a real date, such as 2026-03-02"  # not the typed words
    return problem.rstrip(".")


def merged(
    answers: Mapping[str, Any], section: Section, values: Mapping[str, Any]
) -> dict[str, Any]:
    """`answers` with this section's answers replaced by `values` (a copy).

    Optional answers left blank are removed, so clearing a name really clears it.
    """
    result = copy.deepcopy(dict(answers))
    for question in section.questions:
        if question.key in values:
            set_path(result, question.key, values[question.key])
        else:
            drop_path(result, question.key)
    return result


# -- the emergency stop ----------------------------------------------------------------


def emergency_rules(red_flags: tuple[RedFlagRule, ...]) -> tuple[RedFlagRule, ...]:
    return tuple(rule for rule in red_flags if rule.level == "emergency")


def emergencies(
    rules: tuple[RedFlagRule, ...], answers: Mapping[str, Any], number: Optional[str]
) -> tuple[Flag, ...]:
    """The emergency flags that the answers given so far already settle.

    The same three-valued reading as the terminal intake: a rule counts only when it
    holds whatever the unanswered questions turn out to be.
    """
    return tuple(triage_flag(rule, number) for rule in rules if _settled(rule, answers))


def alarming_choices(
    rules: tuple[RedFlagRule, ...], answers: Mapping[str, Any], section: Section
) -> set[tuple[str, str]]:
    """(key, submitted value) pairs that would stop the form with an emergency, given
    what is already known. The page marks them so its script can warn at once."""
    found: set[tuple[str, str]] = set()
    for question in section.questions:
        options: list[tuple[str, Any]]
        if kind(question) == "yes_no":
            options = [("yes", True)]
        elif kind(question) == "choice":
            options = [(value, value) for value in question.choices]
        else:
            continue
        for sent, value in options:
            trial = merged(answers, Section(0, "", "", (question,)), {question.key: value})
            if any(_settled(rule, trial) for rule in rules):
                found.add((question.key, sent))
    return found


def _settled(rule: RedFlagRule, answers: Mapping[str, Any]) -> bool:
    """The rule holds whatever the unanswered questions turn out to be."""
    return rule.condition is not None and holds(rule.condition, answers) is True
