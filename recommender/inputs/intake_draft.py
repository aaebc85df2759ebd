"""An unfinished intake kept for later: what it holds, and reading it back.

A draft is a JSON object marked with DRAFT_MARK, holding the country and every answer
given so far (an optional question left blank is kept as null, so that it counts as
answered). It is never an answers file: `plan` refuses it by the mark
(answers_file.parse_answers), even when every required answer happens to be in it,
because the person has not reached the review, so nothing in it has been confirmed.

Each answer read back is checked again exactly as if it were typed now
(questionnaire.parse_answer). One that no longer fits, such as a start date that has
passed overnight, is dropped, so that its question is asked again; anything that is
not a draft at all is refused with exit code 2.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NamedTuple, Optional

from recommender.core.errors import AnswersError
from recommender.core.typed import named
from recommender.inputs.answers_file import DRAFT_MARK, open_input, parse_json, read_answers_bytes
from recommender.inputs.countries import normalise
from recommender.inputs.questionnaire import Invalid, Question, Questionnaire, parse_answer

#: The draft format's version, the value of its DRAFT_MARK key.
VERSION = 1


class Draft(NamedTuple):
    country: Optional[str]
    given: dict[str, Any]
    """question key -> answer, in the order asked (None: an optional answer left blank)"""
    dropped: list[tuple[str, str]]
    """(question key, why) for answers that can no longer be used and are asked again"""


def draft_json(country: Optional[str], given: dict[str, Any], questionnaire: Questionnaire) -> str:
    """The draft's text: stable, so the same answers always give the same bytes."""
    order = [q.key for q in questionnaire.questions]
    answers = {key: given[key] for key in order if key in given}
    data = {DRAFT_MARK: VERSION, "country": country, "answers": answers}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def typed(value: Any) -> str:
    """An answer written back the way a person would type it."""
    if isinstance(value, bool):
        return "y" if value else "n"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    if value is None:
        return ""
    return str(value)


def read_draft(path: str, questionnaire: Questionnaire, today: dt.date) -> Draft:
    """The draft in `path`, or AnswersError saying why it is not one."""
    with open_input(path, "an intake draft") as stream:
        raw = parse_json(read_answers_bytes(stream, path), path)
    if not isinstance(raw, dict) or raw.get(DRAFT_MARK) != VERSION:
        raise AnswersError(
            ["is not an unfinished intake saved by `backplan intake` (no draft mark)"], path
        )
    problems = [
        f"{named(key)}: unknown key" for key in raw if key not in (DRAFT_MARK, "country", "answers")
    ]
    country = _country(raw.get("country"), problems)
    answers = raw.get("answers")
    if not isinstance(answers, dict):
        problems.append("answers: must be an object of the answers given so far")
        answers = {}
    questions = {q.key: q for q in questionnaire.questions}
    problems += [
        f"answers.{named(key)}: not a question of the intake"
        for key in answers
        if key not in questions
    ]
    if problems:
        raise AnswersError(problems, path)
    given: dict[str, Any] = {}
    dropped: list[tuple[str, str]] = []
    for question in questionnaire.questions:  # the order asked, whatever the file's
        if question.key not in answers:
            continue
        try:
            given[question.key] = _kept(question, answers[question.key], today)
        except Invalid as problem:
            dropped.append((question.key, str(problem)))
    return Draft(country, given, dropped)


def _country(value: Any, problems: list[str]) -> Optional[str]:
    """The draft's country, normalised; a problem noted when it is not one."""
    if value is None:
        return None

    country = normalise(value) if isinstance(value, str) else None
    if country is None:
        problems.append("country: not a country backplan knows")
    return country


def _kept(question: Question, value: Any, today: dt.date) -> Any:
    """A saved answer, kept only when the question would take it as it is (Invalid
    says why not: the intake asks that question again)."""
    if not isinstance(value, (bool, int, str, list, type(None))) or (
        isinstance(value, list) and not all(isinstance(v, str) for v in value)
    ):
        raise Invalid("not an answer this question takes")
    if value is None and parse_answer(question, "", today) is not None:
        raise Invalid("left blank, but it needs an answer")
    read = parse_answer(question, typed(value), today)
    if value is not None and read != value:
        raise Invalid("not an answer this question takes")
    return value
