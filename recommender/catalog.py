"""The exercise catalog (SPEC section 4): its model, loading and validation."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .answers import Equipment, PainArea
from .datafiles import bundled_dir, read_yaml
from .errors import DataFileError

Kind = Literal["stretch", "mobility", "strength", "release"]
Position = Literal[
    "standing", "sitting", "all_fours", "kneeling", "lying_back", "lying_front", "lying_side"
]
Tag = Literal["loaded_flexion", "end_range_rotation", "overhead", "balance"]

KINDS: tuple[str, ...] = ("stretch", "mobility", "strength", "release")
KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Dose(BaseModel):
    """A starting dose: sets of either repetitions or timed holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sets: int = Field(ge=1, le=5)
    reps: Optional[int] = Field(default=None, ge=5, le=30)
    hold_seconds: Optional[int] = Field(default=None, ge=5, le=60)
    per_side: bool = Field(description="Done on the left and on the right (or both ways)")

    @model_validator(mode="after")
    def _reps_or_hold(self) -> "Dose":
        # Exactly one measure, so that a week's dose is a single number (sets x measure)
        # and progression can be checked.
        if (self.reps is None) == (self.hold_seconds is None):
            raise ValueError("give either reps or hold_seconds, not both or neither")
        return self

    @property
    def measure(self) -> int:
        return self.reps if self.reps is not None else self.hold_seconds  # type: ignore[return-value]


class Exercise(BaseModel):
    """One exercise, with everything a person needs to do it safely."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=KEBAB, max_length=60)
    name: str = Field(min_length=1, max_length=80)
    areas: list[PainArea] = Field(min_length=1)
    kind: Kind
    level: int = Field(ge=1, le=3)
    equipment: list[Equipment]
    position: Position
    tags: list[Tag]
    dose: Dose
    steps: list[str] = Field(min_length=2)
    cautions: list[str] = Field(min_length=1)
    easier: Optional[str] = None
    harder: Optional[str] = None

    @model_validator(mode="after")
    def _no_repeats(self) -> "Exercise":
        for field in ("areas", "equipment", "tags"):
            values = getattr(self, field)
            if len(set(values)) != len(values):
                raise ValueError(f"{field} lists a value twice")
        return self

    @property
    def opens_session(self) -> bool:
        """Mobility and stretches warm up; a session starts with one of them."""
        return self.kind in ("mobility", "stretch")


class Catalog:
    """The validated catalog, in file order, with the lookups the planner needs."""

    def __init__(self, exercises: list[Exercise]) -> None:
        self.exercises = tuple(exercises)
        self.by_id = {e.id: e for e in exercises}

    def __iter__(self):
        return iter(self.exercises)

    def __len__(self) -> int:
        return len(self.exercises)

    def __getitem__(self, exercise_id: str) -> Exercise:
        return self.by_id[exercise_id]

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self.by_id

    @cached_property
    def as_json(self) -> list[dict]:
        return [e.model_dump(mode="json") for e in self.exercises]


def load_catalog(directory: Optional[Path] = None) -> Catalog:
    """Read and validate every `*.yaml` file of exercises in `directory` (default: bundled).

    Refuses unknown keys, repeated ids and easier/harder links to ids that do not exist,
    naming the file and the exercise.
    """
    directory = directory or bundled_dir("data")
    files = sorted(directory.glob("exercises*.yaml"))
    if not files:
        raise DataFileError(f"{directory}: no exercises*.yaml catalog file found")
    exercises: list[Exercise] = []
    where: dict[str, Path] = {}
    for path in files:
        raw = read_yaml(path)
        if not isinstance(raw, dict) or not isinstance(raw.get("exercises"), list):
            raise DataFileError(f"{path}: expected a mapping with an 'exercises' list")
        extra = set(raw) - {"exercises"}
        if extra:
            raise DataFileError(f"{path}: unknown top-level keys {sorted(extra)}")
        for index, item in enumerate(raw["exercises"]):
            label = item.get("id") if isinstance(item, dict) else None
            try:
                exercise = Exercise.model_validate(item)
            except ValidationError as exc:
                raise DataFileError(
                    f"{path}: exercise {label or f'#{index + 1}'}: {_first_lines(exc)}"
                ) from None
            if exercise.id in where:
                raise DataFileError(
                    f"{path}: exercise id {exercise.id!r} is already used in {where[exercise.id]}"
                )
            where[exercise.id] = path
            exercises.append(exercise)
    for exercise in exercises:
        for link in ("easier", "harder"):
            target = getattr(exercise, link)
            if target is not None and target not in where:
                raise DataFileError(
                    f"{where[exercise.id]}: exercise {exercise.id}: {link} names unknown "
                    f"exercise {target!r}"
                )
            if target == exercise.id:
                raise DataFileError(
                    f"{where[exercise.id]}: exercise {exercise.id}: {link} points at itself"
                )
    return Catalog(exercises)


def _first_lines(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}" for err in exc.errors()
    )
