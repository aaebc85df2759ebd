"""Reading the exercise catalog (`data/exercises*.yaml`), validated and cached."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from recommender.core import answers, catalog
from recommender.core.answers import answer_fields
from recommender.core.catalog import Catalog, Exercise
from recommender.core.errors import DataFileError
from recommender.inputs.cache import cached, source_of
from recommender.inputs.datafiles import bundled_dir, read_yaml
from recommender.inputs.validation import ValidationError, problems, validate


def catalog_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("exercises*.yaml"))


def load_catalog(directory: Optional[Path] = None) -> Catalog:
    """Read and validate every `exercises*.yaml` file in `directory` (default: bundled).

    Refuses unknown keys, repeated ids, easier/harder links to ids that do not exist
    and contraindications that are not yes/no answers, naming the file and the
    exercise. The validated catalog is cached between runs.
    """
    directory = directory or bundled_dir("data")
    files = catalog_files(directory)
    if not files:
        raise DataFileError(f"{directory}: no exercises*.yaml catalog file found")

    key = [*files, *source_of(answers, catalog), Path(__file__)]
    return Catalog(cached("catalog", key, lambda: _read(files), kind=list))


def _read(files: list[Path]) -> list[Exercise]:
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
            label = label if isinstance(label, str) else f"#{index + 1}"
            try:
                exercise = validate(Exercise, item)
            except ValidationError as exc:
                raise DataFileError(
                    f"{path}: exercise {label}: {'; '.join(problems(exc))}"
                ) from None
            except TypeError as exc:
                raise DataFileError(f"{path}: exercise {label}: {exc}") from None
            if exercise.id in where:
                raise DataFileError(
                    f"{path}: exercise id {exercise.id!r} is already used in {where[exercise.id]}"
                )
            where[exercise.id] = path
            exercises.append(exercise)
    yes_no = {path for path, field in answer_fields().items() if field.kind == "yes_no"}
    for exercise in exercises:
        for key in exercise.contraindications:
            if key not in yes_no:
                raise DataFileError(
                    f"{where[exercise.id]}: exercise {exercise.id}: contraindication {key!r} "
                    "is not a yes/no answer (history.osteoporosis, red_flags.fever, ...)"
                )
        for link in ("easier", "harder"):
            target = getattr(exercise, link)
            if target == exercise.id:
                raise DataFileError(
                    f"{where[exercise.id]}: exercise {exercise.id}: {link} points at itself"
                )
            if target is not None and target not in where:
                raise DataFileError(
                    f"{where[exercise.id]}: exercise {exercise.id}: {link} names unknown "
                    f"exercise {target!r}"
                )
    return exercises
