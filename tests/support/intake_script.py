"""Typed replies for the intake, built from an answers file (for tests)."""

from __future__ import annotations

from recommender.core.paths import get_path
from recommender.inputs.questionnaire import Questionnaire


def _value(answers: dict, key: str):
    return get_path(answers, key, None)


def replies(
    answers: dict, questionnaire: Questionnaire, country: str = "", review: bool = True
) -> list[str]:
    """One line per question, as a person would type it (country first), then Enter
    at the review (unless `review` is False)."""
    lines = [country]
    for question in questionnaire.questions:
        value = _value(answers, question.key)
        if isinstance(value, bool):
            lines.append("y" if value else "n")
        elif isinstance(value, list):
            lines.append(", ".join(value) if value else "none")
        elif value is None:
            lines.append("")
        else:
            lines.append(str(value))
    return lines + ([""] if review else [])
