"""Reading a FHIR R4 QuestionnaireResponse to backplan's Questionnaire as answers.

Clinics that keep their records in FHIR can give backplan a QuestionnaireResponse in
place of an answers file. Every problem names the answers-file key it concerns, as
the answers-file errors do; a missing safety answer stays missing (and is reported).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from recommender.core.answers import answer_fields, answer_keys
from recommender.core.errors import AnswersError
from recommender.core.paths import get_path, set_path
from recommender.core.typed import shown
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.fhir_codes import (
    MAX_DEPTH,
    MAY_BE_EMPTY,
    QUESTIONNAIRE_URL,
    SECTION_LINK,
    VALUE_TYPE,
    VALUE_WORDS,
    code_system,
    kind_of,
    questions_by_key,
)

# -- QuestionnaireResponse -> answers ---------------------------------------------


def answers_from_response(resource: Any, source: str = "the response") -> dict[str, Any]:
    """A QuestionnaireResponse to our Questionnaire, as a plain answers dict.

    Only the FHIR side is checked here: that the resource is the right kind, answers
    our Questionnaire, names each known linkId once, and carries each answer in the
    value[x] its question takes. The answers themselves (ranges, missing answers) are
    then checked by `validate_answers`, exactly as for an answers file.

    Raises AnswersError naming every problem at once (and nothing else, whatever the
    input), each problem starting with the linkId, or the item's place when it has none.
    """
    if not isinstance(resource, dict):
        raise AnswersError(["must be a JSON object (a QuestionnaireResponse)"], source)
    kind = resource.get("resourceType")
    if kind != "QuestionnaireResponse":
        plain = isinstance(kind, str) and re.fullmatch(r"[A-Za-z]{1,64}", kind)
        shown = f"a {kind}" if plain else f"resourceType {_show(kind)}"
        raise AnswersError(
            [f"backplan reads answers files and FHIR QuestionnaireResponse resources, not {shown}"],
            source,
        )
    reader = _ResponseReader()
    reader.check_resource(resource)
    if reader.problems:
        reader.problems += _other_problems(reader.answers, reader.reported, source)
        raise AnswersError(reader.problems, source)
    return _disabled_answered_no(reader.answers)


def _disabled_answered_no(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with each question the Questionnaire disables at the person's age
    (enableWhen on age) answered no, as the intake records it; an answer given
    anyway is kept."""
    age = answers.get("age")
    for key, question in questions_by_key().items():
        if question.skipped(age) and get_path(answers, key, None) is None:
            set_path(answers, key, False)
    return answers


class _ResponseReader:
    """Walks a response's items, collecting answers and every problem found."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.problems: list[str] = []
        self.reported: set[str] = set()  # keys already named in a problem
        self.seen: set[str] = set()
        self.keys = set(answer_keys())

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{_label(where)}: {text}")
        if where in self.keys:
            self.reported.add(where)

    def check_resource(self, resource: dict[str, Any]) -> None:
        canonical = resource.get("questionnaire")
        if canonical is not None and not _is_ours(canonical):
            self.problem(
                "questionnaire",
                f"must be {QUESTIONNAIRE_URL} (backplan's intake), got {_show(canonical)}",
            )
        if resource.get("status") == "entered-in-error":
            self.problem("status", "is entered-in-error, so these answers must not be used")
        self.check_modifiers(resource, "QuestionnaireResponse")
        self.walk(resource.get("item"), "item", depth=0)
        if MAY_BE_EMPTY not in self.answers and MAY_BE_EMPTY not in self.reported:
            self.answers[MAY_BE_EMPTY] = []  # no equipment ticked: none at hand

    def check_modifiers(self, element: dict[str, Any], where: str) -> None:
        # FHIR: a reader that does not understand a modifier extension must not go on,
        # since it may change the meaning of everything around it.
        if "modifierExtension" in element:
            self.problem(where, "has a modifierExtension, which backplan does not understand")

    def walk(self, items: Any, where: str, depth: int) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.problem(where, f"must be a list of items, got {_show(items)}")
            return
        if depth >= MAX_DEPTH:
            self.problem(where, "is nested too deeply for backplan's questionnaire")
            return
        for index, item in enumerate(items):
            place = f"{where}[{index}]"
            if not isinstance(item, dict):
                self.problem(place, f"must be an object, got {_show(item)}")
                continue
            self.read_item(item, place, depth)

    def read_item(self, item: dict[str, Any], place: str, depth: int) -> None:
        link = item.get("linkId")
        if not isinstance(link, str) or not link:
            self.problem(place, f"needs a linkId naming the question, got {_show(link)}")
            return
        self.check_modifiers(item, link)
        if link in self.keys:
            self.read_question(link, item, depth)
            # Children of an answered question belong under answer[].item in R4.
            self.walk(item.get("item"), f"{link}.item", depth + 1)
        elif _is_display(link, self.keys):
            pass  # a heading or help text: nothing to read
        elif "item" in item and "answer" not in item:
            self.walk(item["item"], f"{link}.item", depth + 1)  # a group of questions
        else:
            self.problem(link, "unknown linkId (`backplan questionnaire --format fhir` lists them)")

    def read_question(self, key: str, item: dict[str, Any], depth: int) -> None:
        if key in self.seen:
            self.problem(key, "given more than once")
            return
        self.seen.add(key)
        answers = item.get("answer")
        if answers is None or answers == []:
            return  # unanswered: validation reports it as missing (equipment: none)
        if not isinstance(answers, list):
            self.problem(key, f"answer must be a list, got {_show(answers)}")
            return
        kind = kind_of(key)
        if kind != "choices" and len(answers) > 1:
            self.problem(key, f"takes one answer, got {len(answers)}")
            return
        values = []
        for index, answer in enumerate(answers):
            value = self.read_answer(key, kind, answer, index, depth)
            if value is _BAD:
                return
            values.append(value)
        set_path(self.answers, key, values if kind == "choices" else values[0])

    def read_answer(self, key: str, kind: str, answer: Any, index: int, depth: int) -> Any:
        where = f"{key}.answer[{index}]" if index else key
        if not isinstance(answer, dict):
            self.problem(key, f"each answer must be an object, got {_show(answer)}")
            return _BAD
        self.check_modifiers(answer, key)
        if "item" in answer:
            self.walk(answer["item"], f"{where}.item", depth + 1)
        given = [name for name in answer if isinstance(name, str) and name.startswith("value")]
        wanted = VALUE_TYPE[kind]
        if given != [wanted]:
            got = ", ".join(given) if given else "no value"
            self.problem(key, f"answer must be {wanted} ({VALUE_WORDS[wanted]}), got {got}")
            return _BAD
        value = answer[wanted]
        if kind == "yes_no" and not isinstance(value, bool):
            self.problem(key, f"valueBoolean must be true or false, got {_show(value)}")
            return _BAD
        if kind == "number" and type(value) is not int:  # bool is an int in Python
            self.problem(key, f"valueInteger must be a whole number, got {_show(value)}")
            return _BAD
        if kind in ("date", "text") and not isinstance(value, str):
            self.problem(key, f"{wanted} must be text, got {_show(value)}")
            return _BAD
        if kind in ("choice", "choices"):
            return self.read_coding(key, value)
        return value

    def read_coding(self, key: str, coding: Any) -> Any:
        if not isinstance(coding, dict):
            self.problem(key, f"valueCoding must be an object, got {_show(coding)}")
            return _BAD
        system = coding.get("system")
        if system is not None and system != code_system(key):
            self.problem(key, f"coding system must be {code_system(key)}, got {_show(system)}")
            return _BAD
        code = coding.get("code")
        allowed = answer_fields()[key].choices
        if code not in allowed:
            self.problem(key, f"code {_show(code)} is not one of {', '.join(allowed)}")
            return _BAD
        return code


_BAD = object()  # an answer already reported as a problem


def _is_display(link: str, keys: set[str]) -> bool:
    """The linkId of a heading or help text our Questionnaire adds (no answer there)."""
    return bool(SECTION_LINK.fullmatch(link)) or (
        link.endswith(".help") and link.removesuffix(".help") in keys
    )


def _is_ours(canonical: Any) -> bool:
    """Our Questionnaire's canonical URL, with or without a |version."""
    if not isinstance(canonical, str):
        return False
    url, bar, version = canonical.partition("|")
    return url == QUESTIONNAIRE_URL and (not bar or bool(version))


def _other_problems(answers: dict[str, Any], reported: set[str], source: str) -> list[str]:
    """What validation would say of the rest, so that one message names everything.

    The answers already reported get a stand-in valid value for this check only, so
    that they are not named a second time as missing.
    """
    trial = _copy(answers)
    for key in reported:
        set_path(trial, key, _STAND_IN[kind_of(key)](key))
    try:
        validate_answers(trial, source)
    except AnswersError as exc:
        return list(exc.problems)
    return []


def _copy(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in answers.items()}


_STAND_IN: dict[str, Callable[[str], Any]] = {
    "yes_no": lambda key: False,
    "number": lambda key: answer_fields()[key].minimum,
    "choice": lambda key: answer_fields()[key].choices[0],
    "choices": lambda key: [answer_fields()[key].choices[0]],
    "date": lambda key: "2000-01-01",
    "text": lambda key: "",
}


def _show(value: Any) -> str:
    """A short JSON rendering of a bad value for a message, safe to print."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return shown(text, 40)


_PLAIN_LINK = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,80}")


def _label(where: str) -> str:
    """A linkId or place as it starts a problem line: as is when plain, else quoted,
    so that a hostile linkId cannot send terminal control codes to the screen."""
    return where if _PLAIN_LINK.fullmatch(where) else _show(where)
