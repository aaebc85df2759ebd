"""Checking a decrypted state against the questionnaire before any page uses it.

Only a holder of the secret key can make a state the server decrypts, but a state from
another version of the questionnaire, or one made with a leaked key, must still never
reach the pages with a dict where a yes/no belongs: every kept answer is held to
exactly the rules of a typed one (the intake's own `parse_answer`, as a resumed draft
is), every draft to the sizes the form keeps, and every rule id to the emergency rules.
Anything else is BadState, which the app answers with 400 and a fresh start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from recommender.app.web.form import MAX_RAW, Section, part_keys
from recommender.app.web.state import BadState, State
from recommender.inputs.countries import normalise
from recommender.inputs.intake_draft import typed
from recommender.inputs.questionnaire import Invalid, Question, parse_answer

#: Any date passes the "not in the past" check here: an answer kept yesterday is still
#: the answer it was (the plan's own checks judge the date when it is used).
_ANY_DAY = dt.date.min


class StateShape:
    """The checks for one questionnaire; `check` raises BadState unless a state could
    have been written by this server's pages.

    Checking an answer with `parse_answer` costs a few microseconds, and a whole state
    holds about fifty; a person's answers come back with every page, so each answer
    already found good is remembered (a bounded number of them).
    """

    _REMEMBERED = 20_000

    def __init__(self, sections: tuple[Section, ...], emergency_ids: set[str]) -> None:
        self.sections = sections
        self.emergency_ids = emergency_ids
        self.questions = {q.key: q for section in sections for q in section.questions}
        self._good: set[tuple[str, type, Any]] = set()

    def check(self, state: State) -> None:
        """BadState naming the first part of `state` out of shape."""
        if state.country is not None and normalise(state.country) != state.country:
            raise BadState("country")
        numbers = range(1, len(self.sections) + 1)
        if any(n not in numbers for n in (*state.done, *state.shown_errors)):
            raise BadState("section numbers")
        if any(rule not in self.emergency_ids for rule in (*state.stop, *state.withdrawn)):
            raise BadState("rule ids")
        for key, answers in state.parts.items():
            question = self.questions.get(key)
            if question is None or len(answers) != len(question.parts()) or not question.or_ask:
                raise BadState("parts")
        for key, value in _leaves(state.answers, ""):
            if not self._kept(key, value):
                raise BadState(f"answer {key[:40]!r}")
        for number, draft in state.drafts.items():
            self._check_draft(number, draft, numbers)

    def _check_draft(self, number: str, draft: Any, numbers: range) -> None:
        """A section's answers as typed, kept while the person corrects them."""
        if not (number.isascii() and number.isdigit() and int(number) in numbers):
            raise BadState("draft section")
        if not isinstance(draft, dict):
            raise BadState("draft")
        allowed = {key: q for q in self.sections[int(number) - 1].questions for key in part_keys(q)}
        for key, raw in draft.items():
            if key not in allowed or not _typed_text(allowed[key], raw):
                raise BadState("draft answer")

    def _kept(self, key: str, value: Any) -> bool:
        # The type is part of the key: True and 1 are equal, and hash alike.
        seen = (key, type(value), tuple(value) if isinstance(value, list) else value)
        if seen in self._good:
            return True
        question = self.questions.get(key)
        if question is None or not _kept_answer(question, value):
            return False
        if len(self._good) >= self._REMEMBERED:
            self._good.clear()
        self._good.add(seen)
        return True


def _leaves(answers: Mapping[str, Any], prefix: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for key, value in answers.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            if len(path) > 100:
                raise BadState("answers")
            found += _leaves(value, path + ".")
        else:
            found.append((path, value))
    return found


def _kept_answer(question: Question, value: Any) -> bool:
    if not isinstance(value, (bool, int, str, list)):
        return False
    if isinstance(value, list) and not all(isinstance(v, str) for v in value):
        return False
    try:
        kept: bool = parse_answer(question, typed(value), _ANY_DAY) == value
        return kept
    except Invalid:
        return False


def _typed_text(question: Question, raw: Any) -> bool:
    """What the form keeps of an unfinished page: text, or ticked choices, cut short."""
    if isinstance(raw, str):
        return len(raw) <= MAX_RAW
    return (
        isinstance(raw, list)
        and len(raw) <= len(question.choices)
        and all(isinstance(v, str) and len(v) <= MAX_RAW for v in raw)
    )
