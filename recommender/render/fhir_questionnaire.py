"""backplan's intake as a FHIR R4 Questionnaire, and answers as a QuestionnaireResponse
(the inverse of inputs/fhir_response.py), for clinics that keep records in FHIR."""

from __future__ import annotations

from typing import Any

from recommender import __version__
from recommender.core.answers import answer_fields
from recommender.core.paths import get_path
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.fhir_codes import (
    EXTENSION_BASE,
    ITEM_CONTROL,
    ITEM_CONTROL_SYSTEM,
    ITEM_TYPE,
    MAY_BE_EMPTY,
    NAME_MAX_LENGTH,
    OPTIONAL,
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_URL,
    VALUE_TYPE,
    coding,
    kind_of,
    one_line,
    questions_by_key,
)
from recommender.inputs.questionnaire import Questionnaire

# -- Questionnaire ------------------------------------------------------------------


def questionnaire_resource(questionnaire: Questionnaire) -> dict[str, Any]:
    """The intake questions as an R4 Questionnaire, one flat item per answers-file key.

    Headings become display items (section-1, section-2, ...) and each question's help
    a display child marked with the standard "help" item control, which form fillers
    show as a help bubble or a line under the question.
    """
    items: list[dict[str, Any]] = [_question_item(questions_by_key()["country"])]
    sections = 0
    for question in questionnaire.questions:
        if question.group:
            sections += 1
            items.append(
                {
                    "linkId": f"section-{sections}",
                    "text": one_line(question.group),
                    "type": "display",
                }
            )
        items.append(_question_item(question))
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": QUESTIONNAIRE_URL,
        "version": __version__,
        "name": "BackplanIntake",
        "title": "backplan intake: neck and back pain",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "Where it hurts, how much and for how long, warning signs, relevant health "
            "history, and the equipment and time a person has. Each linkId is the key of "
            "a backplan answers file; a QuestionnaireResponse to this Questionnaire can be "
            "given to `backplan plan --answers`. Not a diagnosis."
        ),
        "item": items,
    }


def _question_item(question: Any) -> dict[str, Any]:
    key = question.key
    kind = kind_of(key)
    item: dict[str, Any] = {
        "linkId": key,
        "text": one_line(question.full_text()),
        "type": ITEM_TYPE[kind],
    }
    if getattr(question, "from_age", None) is not None:
        # Asked only from this age: disabled below it, and read as no (fhir_codes.py).
        item["enableWhen"] = [
            {"question": "age", "operator": ">=", "answerInteger": question.from_age}
        ]
    field = answer_fields().get(key)
    if kind == "number" and field is not None:
        item["extension"] = [
            {"url": EXTENSION_BASE + "minValue", "valueInteger": field.minimum},
            {"url": EXTENSION_BASE + "maxValue", "valueInteger": field.maximum},
        ]
    # FHIR's `required` means "at least one answer", which an empty equipment list
    # cannot give; see the module docstring.
    item["required"] = key not in OPTIONAL and key != MAY_BE_EMPTY
    if kind == "choices":
        item["repeats"] = True
    if kind == "text":
        item["maxLength"] = 2 if key == "country" else NAME_MAX_LENGTH
    if question.choices:
        defaults = question.default if isinstance(question.default, list) else [question.default]
        options = []
        for value, words in question.choices.items():
            option: dict[str, Any] = {"valueCoding": coding(key, value, words)}
            if value in defaults:
                option["initialSelected"] = True  # que-11: no `initial` beside answerOption
            options.append(option)
        item["answerOption"] = options
    elif question.default is not None:
        item["initial"] = [{VALUE_TYPE[kind]: question.default}]
    help_text = _FORM_HELP.get(key, question.help)
    if help_text:
        item["item"] = [
            {
                "extension": [
                    {
                        "url": ITEM_CONTROL,
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": ITEM_CONTROL_SYSTEM,
                                    "code": "help",
                                    "display": "Help-Button",
                                }
                            ]
                        },
                    }
                ],
                "linkId": f"{key}.help",
                "text": one_line(help_text),
                "type": "display",
            }
        ]
    return item


#: Help that suits a form rather than the terminal intake, whose help says how to type
#: answers ("press Enter"). injects_drugs drops "your answer stays on this computer",
#: which is true of `backplan intake` but not of a clinic's records.
_FORM_HELP = {
    "pain_areas": "Choose one or more.",
    "equipment": "Choose any you have at hand; leave it empty if you have none of them.",
    "start_date": "Leave it empty to leave the plan undated.",
    "name": "Shown on printouts. You may leave it empty.",
    "country": "A two-letter code such as GB, US or CH, so that warnings name its "
    "emergency number. You may leave it empty.",
    "history.injects_drugs": "Asked because it raises the risk of infection.",
}


# -- answers -> QuestionnaireResponse -----------------------------------------------


def response_from_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """A completed R4 QuestionnaireResponse carrying these answers (the inverse of
    `answers_from_response`), for clinics converting answers files and for tests.

    The answers are validated first (AnswersError if they are not valid), so that a
    response is never made from answers backplan would refuse. Items follow the order
    of the questions. Lists give one answer per entry, in order. Two answers FHIR
    cannot hold are left out, and read back as before: an empty equipment list (no
    answer means none), and an empty name (FHIR strings may not be empty).
    """
    fact = validate_answers(answers).fact()
    questions = questions_by_key()
    items = []
    for key in questions:
        value = _get(fact, key)
        question = questions[key]
        if value is None or value == [] or value == "" or question.skipped(fact["age"]):
            continue  # a disabled item carries no answer
        kind = kind_of(key)
        if kind in ("choice", "choices"):
            values = value if kind == "choices" else [value]
            answer = [{"valueCoding": coding(key, v, question.choices.get(v))} for v in values]
        else:
            answer = [{VALUE_TYPE[kind]: value}]
        items.append({"linkId": key, "text": one_line(question.full_text()), "answer": answer})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE_URL,
        "status": "completed",
        "item": items,
    }


def _get(answers: dict[str, Any], key: str) -> Any:
    return get_path(answers, key, None)
