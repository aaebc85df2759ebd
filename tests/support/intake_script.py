"""Typed replies for the intake, built from an answers file (for tests)."""

from __future__ import annotations

from typing import Any

from recommender.core.paths import get_path
from recommender.inputs.questionnaire import Questionnaire


def _value(answers: dict[str, Any], key: str) -> Any:
    return get_path(answers, key, None)


def replies(
    answers: dict[str, Any], questionnaire: Questionnaire, country: str = "", review: bool = True
) -> list[str]:
    """One line per question, as a person would type it (country first), then Enter
    at the review (unless `review` is False)."""
    return _replies(answers, questionnaire, country, review)[0]


def reply_line(answers: dict[str, Any], questionnaire: Questionnaire, key: str) -> int:
    """Where the (first) reply to `key` is among `replies(answers, questionnaire)`."""
    return _replies(answers, questionnaire, "", True)[1][key]


def _replies(
    answers: dict[str, Any], questionnaire: Questionnaire, country: str, review: bool
) -> tuple[list[str], dict[str, int]]:
    lines = [country]
    at: dict[str, int] = {}
    for question in questionnaire.questions:
        at[question.key] = len(lines)
        value = _value(answers, question.key)
        if question.skipped(answers.get("age")):
            continue  # not asked at this age (its answer is recorded as no)
        if isinstance(value, bool) and question.or_ask:
            # One question per part: "yes" at the first ends it, "no" goes on.
            lines += ["y"] if value else ["n"] * len(question.parts())
        elif isinstance(value, bool):
            lines.append("y" if value else "n")
        elif isinstance(value, list):
            lines.append(", ".join(value) if value else "none")
        elif value is None:
            lines.append("")
        else:
            lines.append(str(value))
    return lines + ([""] if review else []), at
