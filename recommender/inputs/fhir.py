"""FHIR R4: the intake as a Questionnaire, answers as a QuestionnaireResponse, the result
as a CarePlan.

Clinics that keep their records in FHIR can give backplan a QuestionnaireResponse in
place of an answers file, and take the result back as a CarePlan with the red flags as
contained DetectedIssue resources.

Everything here is plain dicts in and out: fhir.resources (pydantic models of every
FHIR resource) is far too slow to import for a command-line tool, so it is only used by
the tests, to prove that what we write validates.

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
  never read as "no" (SPEC section 2).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Optional

from recommender.core.answers import answer_fields, answer_keys
from recommender.core.errors import AnswersError
from recommender.core.wording import dose_words

if TYPE_CHECKING:
    from recommender.core.catalog import Dose, Exercise
    from recommender.inputs.questionnaire import Questionnaire
    from recommender.pipeline.planner import Plan
    from recommender.pipeline.recommend import Result
    from recommender.pipeline.triage import Flag

QUESTIONNAIRE_ID = "backplan-intake"
QUESTIONNAIRE_URL = "urn:backplan:Questionnaire:intake"
EXERCISE_SYSTEM = "urn:backplan:CodeSystem:exercise"
RULE_SYSTEM = "urn:backplan:rule"

_EXT = "http://hl7.org/fhir/StructureDefinition/"
_ITEM_CONTROL = _EXT + "questionnaire-itemControl"
_ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

#: Answers that are not in answer_fields() (rules never read them), and their kinds.
_OTHER_KINDS = {"start_date": "date", "name": "text"}
#: Keys a person may leave out (the answers model gives them a default of None).
_OPTIONAL = {"start_date", "name"}
#: The only list answer that may be empty; see the module docstring.
_MAY_BE_EMPTY = "equipment"
NAME_MAX_LENGTH = 100

#: Our kinds of answer -> the R4 item type and the value[x] that carries the answer.
_ITEM_TYPE = {
    "yes_no": "boolean",
    "number": "integer",
    "choice": "choice",
    "choices": "choice",
    "date": "date",
    "text": "string",
}
_VALUE_TYPE = {
    "yes_no": "valueBoolean",
    "number": "valueInteger",
    "choice": "valueCoding",
    "choices": "valueCoding",
    "date": "valueDate",
    "text": "valueString",
}
_VALUE_WORDS = {
    "valueBoolean": "true or false",
    "valueInteger": "a whole number",
    "valueCoding": "a coding",
    "valueDate": "a date",
    "valueString": "text",
}

_SECTION_LINK = re.compile(r"section-[0-9]+")
#: Deeper nesting than this is not a response to our (flat) Questionnaire.
MAX_DEPTH = 10


def code_system(key: str) -> str:
    """The CodeSystem of one choice question's answers (urn:backplan:CodeSystem:onset)."""
    return f"urn:backplan:CodeSystem:{key}"


def _kind(key: str) -> str:
    field = answer_fields().get(key)
    return field.kind if field is not None else _OTHER_KINDS[key]


def _words(text: str) -> str:
    """Folded YAML text on one line, single-spaced."""
    return " ".join(text.split())


# -- Questionnaire ------------------------------------------------------------------


def questionnaire_resource(questionnaire: Questionnaire) -> dict:
    """The intake questions as an R4 Questionnaire, one flat item per answers-file key.

    Headings become display items (section-1, section-2, ...) and each question's help
    a display child marked with the standard "help" item control, which form fillers
    show as a help bubble or a line under the question.
    """
    from recommender import __version__

    items: list[dict] = []
    sections = 0
    for question in questionnaire.questions:
        if question.group:
            sections += 1
            items.append(
                {"linkId": f"section-{sections}", "text": _words(question.group), "type": "display"}
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


def _question_item(question: Any) -> dict:
    key = question.key
    kind = _kind(key)
    item: dict[str, Any] = {"linkId": key, "text": _words(question.ask), "type": _ITEM_TYPE[kind]}
    field = answer_fields().get(key)
    if kind == "number" and field is not None:
        item["extension"] = [
            {"url": _EXT + "minValue", "valueInteger": field.minimum},
            {"url": _EXT + "maxValue", "valueInteger": field.maximum},
        ]
    # FHIR's `required` means "at least one answer", which an empty equipment list
    # cannot give; see the module docstring.
    item["required"] = key not in _OPTIONAL and key != _MAY_BE_EMPTY
    if kind == "choices":
        item["repeats"] = True
    if kind == "text":
        item["maxLength"] = NAME_MAX_LENGTH
    if question.choices:
        defaults = question.default if isinstance(question.default, list) else [question.default]
        options = []
        for value, words in question.choices.items():
            option: dict[str, Any] = {"valueCoding": _coding(key, value, words)}
            if value in defaults:
                option["initialSelected"] = True  # que-11: no `initial` beside answerOption
            options.append(option)
        item["answerOption"] = options
    elif question.default is not None:
        item["initial"] = [{_VALUE_TYPE[kind]: question.default}]
    help_text = _FORM_HELP.get(key, question.help)
    if help_text:
        item["item"] = [
            {
                "extension": [
                    {
                        "url": _ITEM_CONTROL,
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": _ITEM_CONTROL_SYSTEM,
                                    "code": "help",
                                    "display": "Help-Button",
                                }
                            ]
                        },
                    }
                ],
                "linkId": f"{key}.help",
                "text": _words(help_text),
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
    "history.injects_drugs": "Asked because it raises the risk of infection.",
}


def _coding(key: str, value: str, words: Optional[str]) -> dict:
    coding = {"system": code_system(key), "code": value}
    if words:
        coding["display"] = _words(words)
    return coding


@lru_cache(maxsize=1)
def _questions() -> dict[str, Any]:
    """The bundled questions by key, for the words in a generated response."""
    from recommender.inputs.questionnaire import load_questionnaire

    return {q.key: q for q in load_questionnaire().questions}


# -- QuestionnaireResponse -> answers ---------------------------------------------


def answers_from_response(resource: Any, source: str = "the response") -> dict:
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
        shown = f"a {kind}" if isinstance(kind, str) and kind else f"resourceType {_show(kind)}"
        raise AnswersError(
            [f"backplan reads answers files and FHIR QuestionnaireResponse resources, not {shown}"],
            source,
        )
    reader = _ResponseReader()
    reader.check_resource(resource)
    if reader.problems:
        reader.problems += _other_problems(reader.answers, reader.reported, source)
        raise AnswersError(reader.problems, source)
    return reader.answers


class _ResponseReader:
    """Walks a response's items, collecting answers and every problem found."""

    def __init__(self) -> None:
        self.answers: dict = {}
        self.problems: list[str] = []
        self.reported: set[str] = set()  # keys already named in a problem
        self.seen: set[str] = set()
        self.keys = set(answer_keys())

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{_label(where)}: {text}")
        if where in self.keys:
            self.reported.add(where)

    def check_resource(self, resource: dict) -> None:
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
        if _MAY_BE_EMPTY not in self.answers and _MAY_BE_EMPTY not in self.reported:
            self.answers[_MAY_BE_EMPTY] = []  # no equipment ticked: none at hand

    def check_modifiers(self, element: dict, where: str) -> None:
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

    def read_item(self, item: dict, place: str, depth: int) -> None:
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

    def read_question(self, key: str, item: dict, depth: int) -> None:
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
        kind = _kind(key)
        if kind != "choices" and len(answers) > 1:
            self.problem(key, f"takes one answer, got {len(answers)}")
            return
        values = []
        for index, answer in enumerate(answers):
            value = self.read_answer(key, kind, answer, index, depth)
            if value is _BAD:
                return
            values.append(value)
        _set(self.answers, key, values if kind == "choices" else values[0])

    def read_answer(self, key: str, kind: str, answer: Any, index: int, depth: int) -> Any:
        where = f"{key}.answer[{index}]" if index else key
        if not isinstance(answer, dict):
            self.problem(key, f"each answer must be an object, got {_show(answer)}")
            return _BAD
        self.check_modifiers(answer, key)
        if "item" in answer:
            self.walk(answer["item"], f"{where}.item", depth + 1)
        given = [name for name in answer if isinstance(name, str) and name.startswith("value")]
        wanted = _VALUE_TYPE[kind]
        if given != [wanted]:
            got = ", ".join(given) if given else "no value"
            self.problem(key, f"answer must be {wanted} ({_VALUE_WORDS[wanted]}), got {got}")
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
    return bool(_SECTION_LINK.fullmatch(link)) or (
        link.endswith(".help") and link.removesuffix(".help") in keys
    )


def _is_ours(canonical: Any) -> bool:
    """Our Questionnaire's canonical URL, with or without a |version."""
    if not isinstance(canonical, str):
        return False
    url, bar, version = canonical.partition("|")
    return url == QUESTIONNAIRE_URL and (not bar or bool(version))


def _set(answers: dict, key: str, value: Any) -> None:
    *parents, leaf = key.split(".")
    target = answers
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def _other_problems(answers: dict, reported: set[str], source: str) -> list[str]:
    """What validation would say of the rest, so that one message names everything.

    The answers already reported get a stand-in valid value for this check only, so
    that they are not named a second time as missing.
    """
    from recommender.inputs.answers_file import validate_answers

    trial = _copy(answers)
    for key in reported:
        _set(trial, key, _STAND_IN[_kind(key)](key))
    try:
        validate_answers(trial, source)
    except AnswersError as exc:
        return list(exc.problems)
    return []


def _copy(answers: dict) -> dict:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in answers.items()}


_STAND_IN = {
    "yes_no": lambda key: False,
    "number": lambda key: answer_fields()[key].minimum,
    "choice": lambda key: answer_fields()[key].choices[0],
    "choices": lambda key: [answer_fields()[key].choices[0]],
    "date": lambda key: "2000-01-01",
    "text": lambda key: "",
}


def _show(value: Any) -> str:
    """A short JSON rendering of a bad value for a message, safe to print."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= 40 else text[:37] + "..."


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PLAIN_LINK = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,80}")


def _label(where: str) -> str:
    """A linkId or place as it starts a problem line: as is when plain, else quoted,
    so that a hostile linkId cannot send terminal control codes to the screen."""
    return where if _PLAIN_LINK.fullmatch(where) else _show(where)


# -- answers -> QuestionnaireResponse -----------------------------------------------


def response_from_answers(answers: dict) -> dict:
    """A completed R4 QuestionnaireResponse carrying these answers (the inverse of
    `answers_from_response`), for clinics converting answers files and for tests.

    The answers are validated first (AnswersError if they are not valid), so that a
    response is never made from answers backplan would refuse. Items follow the order
    of the questions. Lists give one answer per entry, in order. Two answers FHIR
    cannot hold are left out, and read back as before: an empty equipment list (no
    answer means none), and an empty name (FHIR strings may not be empty).
    """
    from recommender.inputs.answers_file import validate_answers

    fact = validate_answers(answers).fact()
    questions = _questions()
    items = []
    for key in questions:
        value = _get(fact, key)
        if value is None or value == [] or value == "":
            continue
        kind = _kind(key)
        question = questions[key]
        if kind in ("choice", "choices"):
            values = value if kind == "choices" else [value]
            answer = [{"valueCoding": _coding(key, v, question.choices.get(v))} for v in values]
        else:
            answer = [{_VALUE_TYPE[kind]: value}]
        items.append({"linkId": key, "text": _words(question.ask), "answer": answer})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE_URL,
        "status": "completed",
        "item": items,
    }


def _get(answers: dict, key: str) -> Any:
    value: Any = answers
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


# -- Result -> CarePlan ---------------------------------------------------------------

_SEVERITY = {"emergency": "high", "urgent": "high", "soon": "moderate"}
_DAY_CODES = {
    "monday": "mon",
    "tuesday": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}
_UCUM = "http://unitsofmeasure.org"
NO_NAME = "The person who answered the questionnaire"
WITHHELD_BY_TRIAGE = (
    "No exercise plan is given until a clinician has checked the warning signs. "
    "Please do not start new exercises before then."
)


def care_plan(result: Result, produced: dt.datetime) -> dict:
    """The result as an R4 CarePlan.

    With a plan: status active, one activity per exercise (in order of first use) with
    its days, weekly frequency and doses. Without one (urgent or emergency triage, or a
    WH rule): status on-hold, no activities, and a note saying why. Every red flag that
    fired is a contained DetectedIssue, listed in supportingInfo, and the triage level
    with what to do comes first among the notes, so no reader of the CarePlan can miss
    it.
    """
    answers = result.answers
    subject = {"display": answers.name or NO_NAME}
    plan = result.plan
    issues = [_detected_issue(flag, subject, produced) for flag in result.triage.flags]
    resource: dict[str, Any] = {"resourceType": "CarePlan"}
    if issues:
        resource["contained"] = issues
    resource["status"] = "active" if plan is not None else "on-hold"
    resource["intent"] = "plan"
    resource["title"] = "Home exercise plan for neck and back pain"
    resource["description"] = _description(result)
    resource["subject"] = subject
    if plan is not None and answers.start_date is not None:
        last = answers.start_date + dt.timedelta(days=7 * len(plan.weeks) - 1)
        resource["period"] = {"start": answers.start_date.isoformat(), "end": last.isoformat()}
    resource["created"] = _datetime(produced)
    if issues:
        resource["supportingInfo"] = [
            {"reference": f"#{issue['id']}", "display": issue["code"]["text"]} for issue in issues
        ]
    if plan is not None:
        resource["activity"] = [_activity(plan, exercise) for exercise in plan.exercises()]
    resource["note"] = [{"text": text} for text in _notes(result)]
    return resource


def _description(result: Result) -> str:
    answers = result.answers
    plan = result.plan
    from recommender.core.wording import words

    areas = ", ".join(words(a) for a in answers.pain_areas)
    if plan is None:
        return f"No exercise plan for now (pain: {areas}); see the notes for why and what to do."
    weeks = len(plan.weeks)
    return (
        f"{weeks} week{'s' if weeks != 1 else ''}, {answers.days_per_week} "
        f"day{'s' if answers.days_per_week != 1 else ''} a week, up to "
        f"{answers.minutes_per_session} minutes a session, for pain in the {areas}. "
        "Do the exercises in the order listed; amounts rise a little each week when it is "
        "safe to."
    )


def _datetime(moment: dt.datetime) -> str:
    # A FHIR dateTime with a time must carry a time zone; without one, the date alone.
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.isoformat()


def _detected_issue(flag: Flag, subject: dict, produced: dt.datetime) -> dict:
    """One red flag as a DetectedIssue: what was found, how serious, and what to do."""
    return {
        "resourceType": "DetectedIssue",
        "id": flag.id,  # rule ids (RF-CES-SADDLE) are valid FHIR ids
        "identifier": [{"system": RULE_SYSTEM, "value": flag.id}],
        "status": "final",
        "code": {
            "coding": [{"system": RULE_SYSTEM, "code": flag.id, "display": flag.title}],
            "text": flag.title,
        },
        "severity": _SEVERITY[flag.level],
        "patient": subject,
        "identifiedDateTime": _datetime(produced),
        "detail": f"{flag.advice} (Level: {flag.level}. Possible cause: {flag.suspected}. "
        f"Source: {flag.source}.)",
    }


def _notes(result: Result) -> list[str]:
    found = result.triage
    if found.flags:
        signs = "; ".join(f"{flag.title} [{flag.id}]" for flag in found.flags)
        lines = [f"Triage: {found.level}. {found.action}. Warning signs: {signs}."]
    else:
        lines = [f"Triage: none. {found.action}."]
    if result.plan is None:
        if result.withheld is not None:
            withheld = result.withheld
            lines.append(f"No exercise plan is given [{withheld.id}]: {withheld.reason}")
        else:
            lines.append(WITHHELD_BY_TRIAGE)
    lines += [f"{note.title}: {note.text}" for note in result.notes]
    if result.safety_net is not None:
        lines += [f"Safety net: {sentence}" for sentence in result.safety_net.sentences()]
    return lines


def _activity(plan: Plan, exercise: Exercise) -> dict:
    """One exercise as a CarePlan activity: what, on which days, how often, how much."""
    uses = [
        (week.number, session)
        for week in plan.weeks
        for session in week.sessions
        if any(p.exercise.id == exercise.id for p in session.exercises)
    ]
    weeks = sorted({number for number, _ in uses})
    per_week = max(sum(1 for n, _ in uses if n == number) for number in weeks)
    days = {session.day for _, session in uses}
    repeat: dict[str, Any] = {}
    dates = [session.date for _, session in uses if session.date is not None]
    if dates:
        repeat["boundsPeriod"] = {"start": min(dates).isoformat(), "end": max(dates).isoformat()}
    else:
        repeat["boundsDuration"] = {
            "value": len(weeks),
            "unit": "wk",
            "system": _UCUM,
            "code": "wk",
        }
    repeat["frequency"] = per_week
    repeat["period"] = 1
    repeat["periodUnit"] = "wk"
    repeat["dayOfWeek"] = [code for day, code in _DAY_CODES.items() if day in days]
    return {
        "detail": {
            "code": {
                "coding": [
                    {"system": EXERCISE_SYSTEM, "code": exercise.id, "display": exercise.name}
                ],
                "text": exercise.name,
            },
            "status": "scheduled",
            "scheduledTiming": {"repeat": repeat},
            "description": _how(exercise, _doses(uses, exercise.id)),
        }
    }


def _doses(uses: list, exercise_id: str) -> list[tuple[int, Dose]]:
    """The dose in each week the exercise is used (the same on every day of a week)."""
    doses: dict[int, Dose] = {}
    for number, session in uses:
        for p in session.exercises:
            if p.exercise.id == exercise_id:
                doses.setdefault(number, p.dose)
    return sorted(doses.items())


def _how(exercise: Exercise, doses: list[tuple[int, Dose]]) -> str:
    (first, start), (last, end) = doses[0], doses[-1]
    if start == end:
        span = f"Week {first}" if first == last else f"Weeks {first} to {last}"
        amount = f"{span}: {dose_words(start)}."
    else:
        amount = f"Week {first}: {dose_words(start)}; week {last}: {dose_words(end)}."
    steps = " ".join(f"{n}. {_words(step)}" for n, step in enumerate(exercise.steps, 1))
    cautions = " ".join(f"Take care: {_words(c)}" for c in exercise.cautions)
    return f"{amount}\nSteps: {steps}\n{cautions}"
