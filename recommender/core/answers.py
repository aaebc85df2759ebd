"""The answers file: one model, the single source of truth.

These are plain frozen dataclasses; pydantic reads them (types, bounds, the docstring
under each field, and the config below) to build the validator, the JSON Schema of
`backplan schema`, and the error messages. Keeping pydantic out of this module keeps
the command line's start-up fast (see inputs/validation.py and inputs/cache.py).

Every red-flag and history answer is required: a missing safety answer is never read
as "no".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    NamedTuple,
    Optional,
    get_args,
    get_origin,
    get_type_hints,
)

if TYPE_CHECKING:  # only read with the annotations: see inputs/validation.py
    import annotated_types as at


PainArea = Literal["neck", "shoulders", "upper_back", "mid_back", "lower_back"]
Equipment = Literal[
    "chair", "wall", "doorway", "worktop", "dumbbells", "resistance_band", "foam_roller"
]
Pregnancy = Literal["no", "first_trimester", "later_trimester", "postnatal"]
PainDuration = Literal["under_6_weeks", "6_to_12_weeks", "over_12_weeks"]
PainTrend = Literal["improving", "unchanged", "worsening"]
Onset = Literal["gradual", "sudden", "minor_injury", "major_injury"]
ActivityLevel = Literal["low", "moderate", "high"]

#: The longest plan is 12 weeks; its last session must still be a date.
LAST_START_DATE = dt.date.max - dt.timedelta(weeks=12)

#: Characters that must never reach a terminal or a printout from a person's text:
#: controls (C0, DEL, C1), bidirectional overrides, separators that break lines, and
#: unpaired surrogates (which no file or terminal can hold).
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

#: The longest name a plan carries.
NAME_MAX = 100

PAIN_AREAS: tuple[str, ...] = get_args(PainArea)
EQUIPMENT: tuple[str, ...] = get_args(Equipment)


def _closed(title: str) -> dict[str, Any]:
    """pydantic config: unknown keys refused; no coercion, so a safety answer of "yes",
    1 or null is reported as a mistake rather than guessed at."""
    return {"title": title, "extra": "forbid", "strict": True, "use_attribute_docstrings": True}


@dataclass(frozen=True)
class RedFlags:
    """Symptoms that may point to a serious cause (docs/clinical-safety.md)."""

    __pydantic_config__ = _closed("RedFlags")

    saddle_numbness: bool
    """New numbness, tingling or less feeling between the legs, around the genitals,
    bottom (anus) or buttocks"""
    bladder_bowel_change: bool
    """New trouble starting, stopping or controlling urine, leaking, not feeling a full
    bladder, or loss of bowel control"""
    sexual_dysfunction: bool
    """New loss of genital feeling or new trouble with erection or ejaculation since the
    pain began"""
    both_legs_symptoms: bool
    """In the last days or weeks, new or quickly worsening pain shooting below the knee,
    numbness, pins and needles or weakness in both legs (not an ordinary ache in both
    thighs or buttocks, and not long-standing leg pain on walking: walking_leg_pain)"""
    limb_weakness_worsening: bool
    """Weakness in an arm or leg that is severe or getting worse (foot slapping,
    tripping, dropping things)"""
    clumsy_hands_or_unsteady_walking: bool
    """New clumsy or numb hands, unsteady walking, or electric shocks down the spine
    when bending the neck"""
    chest_pain: bool
    """Chest pressure or tightness, or pain spreading to arm, jaw or neck, with sweating,
    breathlessness or nausea"""
    tearing_pain: bool
    """Sudden, severe, tearing or ripping pain in the chest or upper back"""
    breathlessness: bool
    """Sudden breathlessness, pain worse on breathing in, coughing blood, or fainting"""
    stroke_signs: bool
    """Since this pain began: sudden dizziness or the room spinning, double vision,
    slurred speech, trouble swallowing, suddenly dropping to the ground without
    fainting, a numb or drooping face"""
    sudden_severe_neck_pain: bool
    """A sudden, severe headache or neck pain that reached its worst within about a
    minute (a "thunderclap"), unlike any before"""
    abdominal_or_pulsing_pain: bool
    """Pain in the belly as well as the back, or a pulsing feeling in the belly"""
    head_unstable: bool
    """The head feels too heavy to hold up or unstable, so you support it with your
    hands; or tingling around the lips or a metallic taste with neck movement"""
    headache_after_neck_event: bool
    """A new kind of headache or neck pain in the weeks after a neck injury, a neck
    manipulation or a throat infection"""
    fever: bool
    """Fever, chills or feeling very unwell with the pain"""
    unexplained_weight_loss: bool
    """Weight loss without trying"""
    night_pain: bool
    """Constant pain not eased by rest or any position, or that wakes you at night"""
    limb_pain_or_tingling: bool
    """Pain, numbness or tingling spreading down one arm, or below the knee in one leg"""
    one_sided_band_rash: bool
    """A burning or tingling band of pain on one side of the chest or back, with or
    without a rash"""
    right_upper_abdominal_pain: bool
    """Upper-right belly pain spreading to the right shoulder blade, often after fatty
    food"""
    morning_stiffness: bool
    """Stiffness over 30 minutes in the morning that eases with movement"""
    walking_leg_pain: bool
    """Pain, heaviness, numbness or tingling in the buttocks or legs that comes on when
    walking or standing and eases on sitting down or bending forward"""
    inflammatory_signs: bool
    """Back pain that wakes you in the second half of the night and eases once you get
    up and move about, or buttock pain that moves from one side to the other"""
    girdle_stiffness: bool
    """Pain and stiffness in both shoulders or both hips, worst in the morning, that
    began in the last few weeks or months"""
    gca_signs: bool
    """A new headache at the temples, a tender scalp, pain in the jaw when chewing, or
    any change in sight"""


@dataclass(frozen=True)
class History:
    """Past and present conditions that change what is safe (docs/clinical-safety.md)."""

    __pydantic_config__ = _closed("History")

    cancer: bool
    """Ever had cancer"""
    osteoporosis: bool
    """Osteoporosis (thin, fragile bones)"""
    long_term_steroids: bool
    """Steroid tablets for 3 months or more"""
    upper_neck_risk: bool
    """Rheumatoid arthritis, Down syndrome, Ehlers-Danlos or Marfan syndrome"""
    immunosuppressed: bool
    """Weak immune system or immunosuppressant drugs"""
    injects_drugs: bool
    """Injects drugs"""
    recent_spine_surgery: bool
    """Spine surgery or a spinal injection in the past 6 months"""
    shoulder_problem: bool
    """A shoulder problem that hurts with overhead movement"""
    hypermobility: bool
    """Very flexible (hypermobile) joints"""
    balance_problems: bool
    """Falls or poor balance"""
    cannot_get_on_floor: bool
    """Cannot get down onto the floor and up again"""
    heart_condition: bool
    """A heart condition"""
    fragility_fracture: bool
    """Since the age of 50, a broken bone from a fall from standing height or less, or
    with no fall"""
    hip_replacement: bool
    """A hip replacement on either side"""
    pain_began_before_45: bool
    """This back or neck pain first began before the age of 45"""
    spa_related_condition: bool
    """Psoriasis, Crohn's disease or ulcerative colitis, eye inflammation (uveitis or
    iritis), or a parent, brother, sister or child with ankylosing spondylitis"""


@dataclass(frozen=True)
class Outlook:
    """How the pain sits with the person: backplan's own questions on the domains that
    stratified care screens (fear, worry, mood, expectation, bothersomeness); not a
    validated instrument (docs/answers.md)."""

    __pydantic_config__ = _closed("Outlook")

    fear_of_movement: bool
    """I worry that moving or exercising could damage my back or neck"""
    worry: bool
    """I have felt worried or on edge much of the time lately"""
    low_mood: bool
    """I have felt down, or no longer enjoyed things I used to, much of the time lately"""
    pessimism: bool
    """I do not think my pain will ever get much better"""
    very_bothersome: bool
    """The pain has bothered me very much or extremely in the last two weeks"""


@dataclass(frozen=True)
class Answers:
    """One person's answers to the intake questionnaire."""

    __pydantic_config__ = _closed("backplan answers")

    age: Annotated[int, at.Ge(1), at.Le(120)]
    """Age in years; under 18 no plan is given"""
    pregnancy: Pregnancy
    """Pregnant now, and how far along; postnatal: had a baby in the last 6 months"""
    pain_areas: Annotated[list[PainArea], at.MinLen(1)]
    """Where it hurts: one or more areas, none repeated"""
    pain_intensity: Annotated[int, at.Ge(0), at.Le(10)]
    """Average pain over the past week, from 0 (none) to 10 (worst imaginable)"""
    pain_duration: PainDuration
    """How long the pain has lasted"""
    pain_trend: PainTrend
    """Is the pain getting better or worse"""
    onset: Onset
    """How it started: minor_injury is a small fall, lift or cough; major_injury is a road
    accident, fall from a height or hard collision"""
    red_flags: RedFlags
    """Warning symptoms; every one must be answered true or false"""
    history: History
    """Relevant history; every item must be answered true or false"""
    equipment: list[Equipment]
    """What you have at hand (may be empty)"""
    days_per_week: Annotated[int, at.Ge(1), at.Le(7)]
    """Exercise days a week"""
    minutes_per_session: Annotated[int, at.Ge(5), at.Le(60)]
    """Minutes per session"""
    activity_level: ActivityLevel
    """How active you are day to day"""
    outlook: Outlook
    """How the pain is affecting you; every one must be answered true or false"""
    start_date: Optional[dt.date] = None
    """First day of the plan (YYYY-MM-DD); dates the sessions"""
    name: Optional[Annotated[str, at.MaxLen(NAME_MAX)]] = None
    """Shown on printouts"""
    country: Optional[Annotated[str, at.Len(2, 2)]] = None
    """ISO 3166-1 alpha-2 code (GB, CH, ...): warnings name its emergency number"""

    def __post_init__(self) -> None:
        problems = late_problems(self.pain_areas, self.start_date, self.name, self.country)
        if problems:
            raise ValueError("; ".join(f"{field}: {message}" for field, message in problems))

    def fact(self) -> dict[str, Any]:
        """The answers as plain JSON-ready data, the form the rule engines read."""
        # Built by hand: dataclasses.asdict deep-copies every value, which costs more
        # than the whole triage on the batch path.
        data = dict(self.__dict__)
        data["red_flags"] = dict(self.red_flags.__dict__)
        data["history"] = dict(self.history.__dict__)
        data["outlook"] = dict(self.outlook.__dict__)
        data["pain_areas"] = list(self.pain_areas)
        data["equipment"] = list(self.equipment)
        if self.start_date is not None:
            data["start_date"] = self.start_date.isoformat()
        return data


def name_problem(name: str) -> Optional[str]:
    """Why `name` cannot go on a plan, or None. The one check of a name, used by the
    model, the terminal intake and the web form alike, so that a name is refused at its
    own question and never after the warning-sign questions (docs/clinical-safety.md,
    S-NAME-HIDES-WARNING)."""
    if len(name) > NAME_MAX:
        return f"must be at most {NAME_MAX} characters"
    if UNPRINTABLE.search(name):
        # A name is printed on terminals and printouts: a control character could
        # rewrite a terminal's title, or a line break forge a heading above a real
        # warning (docs/clinical-safety.md, S-FORGED-TEXT).
        return "must be plain text on one line (no control characters or invisible marks)"
    return None


#: The shape of a country code; whether the code is a real country is inputs/countries.py's.
COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def late_problems(
    pain_areas: Any, start_date: Any, name: Any, country: Any
) -> list[tuple[str, str]]:
    """(field, message) for each check that types alone cannot make: repeated areas, a
    start too late for the calendar, a name with hidden characters, an unknown country.

    pydantic runs these only once every other field is valid, so the answers file
    runs them too, on the raw values, to report them beside every other problem with
    their field names."""
    found: list[tuple[str, str]] = []
    repeated = repeated_items(pain_areas)
    if repeated:
        found.append(("pain_areas", f"{', '.join(repeated)} listed more than once"))
    if isinstance(start_date, str):
        try:
            start_date = dt.date.fromisoformat(start_date)
        except ValueError:
            start_date = None  # the type check reports it
    if isinstance(start_date, dt.date) and start_date > LAST_START_DATE:
        found.append(
            (
                "start_date",
                "must leave room for the longest plan in the calendar "
                f"(at the latest {LAST_START_DATE.isoformat()})",
            )
        )
    if isinstance(name, str):
        problem = name_problem(name)
        if problem and len(name) <= NAME_MAX:  # the length is the type check's
            found.append(("name", problem))
    if isinstance(country, str) and len(country) == 2 and not COUNTRY_CODE.fullmatch(country):
        found.append(("country", "must be a two-letter country code in capitals, such as GB"))
    return found


def missing_safety_answers(raw: dict[str, Any]) -> list[str]:
    """The dotted keys of every yes/no answer (red flags, history, outlook) that `raw`
    lacks: answers kept from before a question was added (a course tracked since an
    earlier version). None of them may be read as "no"."""
    missing: list[str] = []
    for section, model in SECTIONS.items():
        given = raw.get(section)
        given = given if isinstance(given, dict) else {}
        missing += [f"{section}.{f.name}" for f in dataclasses.fields(model) if f.name not in given]
    return missing


def in_country(answers: Answers, code: Optional[str]) -> Answers:
    """`answers` with their country set to `code` (a `--country` given on the command
    line overrides the answers' own); unchanged when `code` is None."""
    if code is None or code == answers.country:
        return answers
    return dataclasses.replace(answers, country=code)


def repeated_items(items: Any) -> list[str]:
    """The values a list holds more than once (for "no repeats" checks)."""
    if not isinstance(items, list):
        return []
    seen: set[str] = set()
    repeated: list[str] = []
    for item in items:
        if not isinstance(item, str):
            continue
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated


class AnswerField(NamedTuple):
    """What the rules may know of one answer: its dotted path, kind and allowed values."""

    path: str
    kind: Literal["yes_no", "number", "choice", "choices"]
    choices: tuple[str, ...] = ()
    minimum: Optional[int] = None
    maximum: Optional[int] = None


@cache
def answer_fields() -> dict[str, AnswerField]:
    """Every answer a rule condition may test, keyed by dotted path (red_flags.fever).

    Derived from the dataclasses above so that rules can never name an answer that does
    not exist. Free text and dates are left out on purpose: no rule should read them.
    """
    fields: dict[str, AnswerField] = {}

    # lazy: off the path of `backplan --help` (its start-up)
    import annotated_types

    def walk(model: type, prefix: str) -> None:
        hints = get_type_hints(model, include_extras=True, localns={"at": annotated_types})
        for field in dataclasses.fields(model):
            path = prefix + field.name
            kind = hints[field.name]
            minimum: Optional[int] = None
            maximum: Optional[int] = None
            if get_origin(kind) is Annotated:
                kind, *meta = get_args(kind)
                for m in meta:
                    if isinstance(m, annotated_types.Ge):
                        minimum = int(m.ge)  # type: ignore[call-overload]
                    elif isinstance(m, annotated_types.Le):
                        maximum = int(m.le)  # type: ignore[call-overload]
            if dataclasses.is_dataclass(kind):
                walk(kind, path + ".")  # type: ignore[arg-type]
            elif kind is bool:
                fields[path] = AnswerField(path, "yes_no")
            elif kind is int:
                fields[path] = AnswerField(path, "number", minimum=minimum, maximum=maximum)
            elif get_origin(kind) is Literal:
                fields[path] = AnswerField(path, "choice", choices=get_args(kind))
            elif get_origin(kind) is list:
                (item,) = get_args(kind)
                fields[path] = AnswerField(path, "choices", choices=get_args(item))

    walk(Answers, "")
    return fields


def answer_keys() -> list[str]:
    """Every key an answers file may hold, dotted for nested ones (red_flags.fever)."""
    keys: list[str] = []
    for field in dataclasses.fields(Answers):
        section = SECTIONS.get(field.name)
        if section is not None:
            keys += [f"{field.name}.{f.name}" for f in dataclasses.fields(section)]
        else:
            keys.append(field.name)
    return keys


#: The groups of yes/no answers, each required whole: a missing one is never "no".
SECTIONS: dict[str, type] = {"red_flags": RedFlags, "history": History, "outlook": Outlook}
