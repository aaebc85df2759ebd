"""The answers file: one pydantic model that is the single source of truth.

Validation, `backplan schema`, the rules' field checks and the error messages all come
from the models below. Every red-flag and history answer is required: a missing safety
answer is never read as "no".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Literal, Optional, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

PainArea = Literal["neck", "shoulders", "upper_back", "mid_back", "lower_back"]
Equipment = Literal["chair", "wall", "doorway", "dumbbells", "resistance_band", "foam_roller"]
Pregnancy = Literal["no", "first_trimester", "later_trimester"]
PainDuration = Literal["under_6_weeks", "6_to_12_weeks", "over_12_weeks"]
PainTrend = Literal["improving", "unchanged", "worsening"]
Onset = Literal["gradual", "sudden", "minor_injury", "major_injury"]
ActivityLevel = Literal["low", "moderate", "high"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

PAIN_AREAS: tuple[str, ...] = get_args(PainArea)
EQUIPMENT: tuple[str, ...] = get_args(Equipment)

# Strict types: a safety answer of "yes", 1 or null is a mistake to report, not a value
# to guess at.
Yes = StrictBool


def _closed(title: str) -> ConfigDict:
    return ConfigDict(extra="forbid", frozen=True, title=title)


class RedFlags(BaseModel):
    """Symptoms that may point to a serious cause (SPEC section 2)."""

    model_config = _closed("RedFlags")

    saddle_numbness: Yes = Field(
        description="New numbness, tingling or less feeling between the legs, around the "
        "genitals, back passage or buttocks"
    )
    bladder_bowel_change: Yes = Field(
        description="New trouble starting, stopping or controlling urine, leaking, not "
        "feeling a full bladder, or loss of bowel control"
    )
    sexual_dysfunction: Yes = Field(
        description="New loss of genital feeling or new trouble with erection or "
        "ejaculation since the pain began"
    )
    both_legs_symptoms: Yes = Field(description="Pain, numbness or weakness in both legs")
    limb_weakness_worsening: Yes = Field(
        description="Weakness in an arm or leg that is severe or getting worse (foot "
        "slapping, tripping, dropping things)"
    )
    clumsy_hands_or_unsteady_walking: Yes = Field(
        description="New clumsy or numb hands, unsteady walking, or electric shocks down "
        "the spine when bending the neck"
    )
    chest_pain: Yes = Field(
        description="Chest pressure or tightness, or pain spreading to arm, jaw or neck, "
        "with sweating, breathlessness or nausea"
    )
    tearing_pain: Yes = Field(
        description="Sudden, severe, tearing or ripping pain in the chest or upper back"
    )
    breathlessness: Yes = Field(
        description="Sudden breathlessness, pain worse on breathing in, coughing blood, "
        "or fainting"
    )
    stroke_signs: Yes = Field(
        description="Dizziness, double vision, slurred speech, trouble swallowing, "
        "sudden falls, face droop"
    )
    sudden_severe_neck_pain: Yes = Field(
        description="Sudden, severe neck pain or headache unlike any before"
    )
    fever: Yes = Field(description="Fever, chills or feeling very unwell with the pain")
    unexplained_weight_loss: Yes = Field(description="Weight loss without trying")
    night_pain: Yes = Field(
        description="Constant pain not eased by rest or any position, or that wakes you "
        "at night"
    )
    limb_pain_or_tingling: Yes = Field(
        description="Pain, numbness or tingling spreading down one arm, or below the "
        "knee in one leg"
    )
    one_sided_band_rash: Yes = Field(
        description="A burning or tingling band of pain on one side of the chest or "
        "back, with or without a rash"
    )
    right_upper_abdominal_pain: Yes = Field(
        description="Upper-right tummy pain spreading to the right shoulder blade, often "
        "after fatty food"
    )
    morning_stiffness: Yes = Field(
        description="Stiffness over 30 minutes in the morning that eases with movement"
    )


class History(BaseModel):
    """Past and present conditions that change what is safe (SPEC section 2)."""

    model_config = _closed("History")

    cancer: Yes = Field(description="Ever had cancer")
    osteoporosis: Yes = Field(description="Osteoporosis (thin, fragile bones)")
    long_term_steroids: Yes = Field(description="Steroid tablets for 3 months or more")
    immunosuppressed: Yes = Field(
        description="Weak immune system or immunosuppressant drugs"
    )
    injects_drugs: Yes = Field(description="Injects drugs")
    recent_spine_surgery: Yes = Field(
        description="Spine surgery or a spinal injection in the past 6 months"
    )
    shoulder_problem: Yes = Field(
        description="A shoulder problem that hurts with overhead movement"
    )
    hypermobility: Yes = Field(description="Very flexible (hypermobile) joints")
    balance_problems: Yes = Field(description="Falls or poor balance")
    cannot_get_on_floor: Yes = Field(
        description="Cannot get down onto the floor and up again"
    )
    heart_condition: Yes = Field(description="A heart condition")


class Answers(BaseModel):
    """One person's answers to the intake questionnaire."""

    model_config = _closed("backplan answers")

    age: Annotated[StrictInt, Field(ge=1, le=120, description="Age in years")]
    pregnancy: Pregnancy = Field(description="Pregnant now, and how far along")
    pain_areas: list[PainArea] = Field(
        min_length=1, description="Where it hurts (one or more, no repeats)"
    )
    pain_intensity: Annotated[
        StrictInt, Field(ge=0, le=10, description="Average pain over the past week, 0-10")
    ]
    pain_duration: PainDuration = Field(description="How long the pain has lasted")
    pain_trend: PainTrend = Field(description="Is the pain getting better or worse")
    onset: Onset = Field(
        description="How it started: minor injury is a small fall, lift or cough; major "
        "injury is a road accident, fall from a height or hard collision"
    )
    red_flags: RedFlags
    history: History
    equipment: list[Equipment] = Field(description="What you have at hand (may be empty)")
    days_per_week: Annotated[
        StrictInt, Field(ge=1, le=7, description="Exercise days a week")
    ]
    minutes_per_session: Annotated[
        StrictInt, Field(ge=5, le=60, description="Minutes per session")
    ]
    activity_level: ActivityLevel = Field(description="How active you are day to day")
    start_date: Optional[dt.date] = Field(
        default=None, description="First day of the plan (ISO date); dates the sessions"
    )
    name: Optional[Annotated[str, Field(max_length=100)]] = Field(
        default=None, description="Shown on printouts"
    )

    @field_validator("pain_areas")
    @classmethod
    def _areas_not_repeated(cls, areas: list[str]) -> list[str]:
        repeated = sorted({a for a in areas if areas.count(a) > 1})
        if repeated:
            raise ValueError(f"{', '.join(repeated)} listed more than once")
        return areas

    @field_validator("start_date", mode="before")
    @classmethod
    def _iso_date_only(cls, value: object) -> object:
        # Only a plain YYYY-MM-DD string (or a date) is a date here: numbers and
        # timestamps would be silently reinterpreted otherwise.
        if value is None or isinstance(value, dt.date):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a real date") from None
        raise ValueError("must be a date written YYYY-MM-DD")

    def fact(self) -> dict:
        """The answers as plain JSON-ready data, the form the rule engines read."""
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class AnswerField:
    """What the rules may know of one answer: its dotted path, kind and allowed values."""

    path: str
    kind: Literal["yes_no", "number", "choice", "choices"]
    choices: tuple[str, ...] = ()
    minimum: Optional[int] = None
    maximum: Optional[int] = None


@cache
def answer_fields() -> dict[str, AnswerField]:
    """Every answer a rule condition may test, keyed by dotted path (red_flags.fever).

    Derived from the models above so that rules can never name an answer that does not
    exist. Free text and dates are left out on purpose: no rule should depend on them.
    """
    fields: dict[str, AnswerField] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = prefix + name
            kind = info.annotation
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                walk(kind, path + ".")
            elif kind is bool:
                fields[path] = AnswerField(path, "yes_no")
            elif kind is int:
                bounds = {type(m).__name__: m for m in info.metadata}
                fields[path] = AnswerField(
                    path, "number", minimum=bounds["Ge"].ge, maximum=bounds["Le"].le
                )
            elif get_origin(kind) is Literal:
                fields[path] = AnswerField(path, "choice", choices=get_args(kind))
            elif get_origin(kind) is list:
                (item,) = get_args(kind)
                fields[path] = AnswerField(path, "choices", choices=get_args(item))

    walk(Answers, "")
    return fields
