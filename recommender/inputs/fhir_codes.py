"""FHIR R4 as backplan uses it: the identifiers, item types and small helpers that the
Questionnaire, the QuestionnaireResponse reader and writer, and the CarePlan share.

Everything in backplan's FHIR is plain dicts in and out: fhir.resources (pydantic
models of every FHIR resource) is far too slow to import for a command-line tool, so
only the tests use it, to prove that what we write validates.

Modelling choices, and why:

* The Questionnaire is flat: one item per answers-file key, its linkId the key itself
  (dotted for red_flags.* and history.*), so a response maps onto an answers file with
  no lookup table, and every problem names the same key the answers-file errors name.
* Defaults become `initial` values, except on choice items: R4 (que-11) forbids
  `initial` beside answerOption, so the default option is marked `initialSelected`.
* `equipment` is the one list that may be empty. A FHIR form cannot send an empty
  answer to a required question, so the item is not required, and a response with no
  equipment answer means "no equipment". That is the safe direction: only exercises
  that need nothing are planned.
* Every other missing answer stays missing, so a missing red-flag answer is reported,
  never read as "no" (docs/clinical-safety.md, H-MISSING-ANSWER), with one exception
  that the Questionnaire itself states: a question asked only from an age
  (`enableWhen` on `age`) is disabled below it, so it carries no answer there, and is
  read as no, as the intake records it. No rule reads it at that age
  (tests/inputs/test_questionnaire.py).
* A question asked in parts in the intake (`or_ask`) is one item whose text gives
  every part: its linkId is still the one answers-file key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

from recommender.core.answers import answer_fields
from recommender.inputs.questionnaire import Question, load_questionnaire

QUESTIONNAIRE_ID = "backplan-intake"
QUESTIONNAIRE_URL = "urn:backplan:Questionnaire:intake"
EXERCISE_SYSTEM = "urn:backplan:CodeSystem:exercise"
RULE_SYSTEM = "urn:backplan:rule"

EXTENSION_BASE = "http://hl7.org/fhir/StructureDefinition/"
ITEM_CONTROL = EXTENSION_BASE + "questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

#: Answers that are not in answer_fields() (rules never read them), and their kinds.
OTHER_KINDS = {"start_date": "date", "name": "text", "country": "text"}
#: Keys a person may leave out (the answers model gives them a default of None).
OPTIONAL = {"start_date", "name", "country"}
#: The only list answer that may be empty; see the module docstring.
MAY_BE_EMPTY = "equipment"
NAME_MAX_LENGTH = 100

#: Our kinds of answer -> the R4 item type and the value[x] that carries the answer.
ITEM_TYPE = {
    "yes_no": "boolean",
    "number": "integer",
    "choice": "choice",
    "choices": "choice",
    "date": "date",
    "text": "string",
}
VALUE_TYPE = {
    "yes_no": "valueBoolean",
    "number": "valueInteger",
    "choice": "valueCoding",
    "choices": "valueCoding",
    "date": "valueDate",
    "text": "valueString",
}
VALUE_WORDS = {
    "valueBoolean": "true or false",
    "valueInteger": "a whole number",
    "valueCoding": "a coding",
    "valueDate": "a date",
    "valueString": "text",
}

SECTION_LINK = re.compile(r"section-[0-9]+")
#: Deeper nesting than this is not a response to our (flat) Questionnaire.
MAX_DEPTH = 10


def code_system(key: str) -> str:
    """The CodeSystem of one choice question's answers (urn:backplan:CodeSystem:onset)."""
    return f"urn:backplan:CodeSystem:{key}"


def kind_of(key: str) -> str:
    field = answer_fields().get(key)
    return field.kind if field is not None else OTHER_KINDS[key]


def one_line(text: str) -> str:
    """Folded YAML text on one line, single-spaced."""
    return " ".join(text.split())


def coding(key: str, value: str, words: Optional[str]) -> dict[str, str]:
    coding = {"system": code_system(key), "code": value}
    if words:
        coding["display"] = one_line(words)
    return coding


@lru_cache(maxsize=1)
def questions_by_key() -> dict[str, Any]:
    """The bundled questions by key, for the words in a generated response (the
    country's first, as the intake asks it)."""
    questionnaire = load_questionnaire()
    country = questionnaire.country
    first = Question(key="country", ask=country.ask, help=country.help)
    return {"country": first, **{q.key: q for q in questionnaire.questions}}
