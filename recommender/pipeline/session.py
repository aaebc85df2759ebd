"""Today's session as a person does it: one exercise at a time, each a list of steps,
every hold and rest a timed step, every set of repetitions a step the person ends.

This is the plain core of the guided session (`backplan session` in the terminal, and
the session pages of the web app): it says what to do and for how long, and knows
nothing of keys, screens or clocks. The doses are the plan's own, so a session asks
exactly what the printed plan does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple, Optional

from recommender.core.catalog import Dose, Exercise
from recommender.core.result_record import ItemRecord
from recommender.core.wording import WEEKDAYS, dose_words, rest_words, words
from recommender.pipeline.plan import Plan, Prescription, Session

#: Rest between sets when a plan item does not say (plans from before version 3).
DEFAULT_REST = {"strength": 60, "aerobic": 0}
DEFAULT_OTHER_REST = 15


class Step(NamedTuple):
    """One thing to do now. `seconds` is a timed step (a hold, a rest, a walk), counted
    down; None is a step the person ends (a set of repetitions)."""

    kind: str  # "hold", "rest", "reps", "walk"
    text: str  # what to do now, in words ("Hold, left side")
    seconds: Optional[int] = None


class Item(NamedTuple):
    """One exercise of the session, with everything its screen shows."""

    exercise: Exercise
    position: str
    dose: Dose
    rest_seconds: int
    steps: tuple[Step, ...]

    @property
    def name(self) -> str:
        return self.exercise.name

    @property
    def amount(self) -> str:
        """The dose in words, with the rest ("2 sets of 10; rest 60 s between sets",
        "hold 30 s, 3 times; rest 10 s between holds"), as the printed plan says it."""
        rest = rest_words(self.rest_seconds, self.dose)
        return f"{dose_words(self.dose)}; {rest}" if rest else dose_words(self.dose)

    @property
    def where(self) -> str:
        return words(self.position)


def rest_of(prescription: Prescription) -> int:
    """The rest between sets the plan gives, or a default by kind for older plans."""
    rest = getattr(prescription, "rest_seconds", None)
    if isinstance(rest, int):
        return rest
    kind = prescription.exercise.kind
    return DEFAULT_REST.get(kind, DEFAULT_OTHER_REST)


def _sides(dose: Dose) -> tuple[str, ...]:
    if not dose.per_side:
        return ("",)
    if dose.unit == "circles":
        return ("one way", "the other way")
    return ("left side", "right side")


def steps_of(dose: Dose, rest: int) -> tuple[Step, ...]:
    """The steps of one dose: each set (each side), with the rests between sets."""
    if dose.minutes is not None:
        return (
            Step(
                "walk",
                f"Walk for {dose.minutes} minutes, at a pace you can talk at",
                dose.minutes * 60,
            ),
        )
    steps: list[Step] = []
    for number in range(1, dose.sets + 1):
        label = f"Set {number} of {dose.sets}" if dose.sets > 1 else "Your set"
        for side in _sides(dose):
            where = f", {side}" if side else ""
            if dose.reps is not None:
                unit = "" if dose.unit == "repetitions" else f" {dose.unit}"
                held = f", holding each for {dose.hold_seconds} s" if dose.hold_seconds else ""
                steps.append(Step("reps", f"{label}{where}: {dose.reps}{unit}{held}"))
            else:
                assert dose.hold_seconds is not None
                steps.append(Step("hold", f"{label}{where}: hold", dose.hold_seconds))
        if number < dose.sets and rest:
            steps.append(Step("rest", "Rest", rest))
    return tuple(steps)


def item_of(prescription: Prescription) -> Item:
    rest = rest_of(prescription)
    return Item(
        prescription.exercise,
        prescription.position,
        prescription.dose,
        rest,
        steps_of(prescription.dose, rest),
    )


def item_of_record(record: ItemRecord, catalog: Mapping[str, Exercise]) -> Optional[Item]:
    """A stored plan item (a tracked course's week, as adapted) as the guided session
    shows it: its exercise from the catalog, at the item's own dose and rest. None for
    an exercise the catalog no longer holds."""
    exercise = catalog.get(record.id)
    if exercise is None:
        return None
    position = record.position or exercise.position
    dose = record.dose
    rest = record.rest_seconds or DEFAULT_REST.get(exercise.kind, DEFAULT_OTHER_REST)
    return Item(exercise, position, dose, rest, steps_of(dose, rest))


def session_items(session: Session) -> tuple[Item, ...]:
    """The session as the guided session shows it: one item per exercise, in order."""
    return tuple(item_of(prescription) for prescription in session.exercises)


def easier_item(
    item: Item,
    catalog: Mapping[str, Exercise],
    allowed: Callable[[str], bool],
) -> Optional[Item]:
    """The item's easier variant, only where it passed the person's filters
    (`allowed`), at its own starting dose in the same position when it has it."""
    variant_id = item.exercise.easier
    if variant_id is None or variant_id not in catalog or not allowed(variant_id):
        return None
    variant = catalog[variant_id]
    position = item.position if item.position in variant.positions else variant.positions[0]
    rest = item.rest_seconds
    return Item(variant, position, variant.dose, rest, steps_of(variant.dose, rest))


# -- which session -------------------------------------------------------------------------


class NoSession(ValueError):
    """The plan has no session on the day asked for; the message names the days."""


def pick_session(
    plan: Plan, week: int, day: Optional[str], today: Optional[dt.date] = None
) -> Session:
    """Week `week`'s session on `day`; without a day, today's when the week has one
    on `today`'s weekday, else the week's first."""
    if not 1 <= week <= len(plan.weeks):
        raise NoSession(f"the plan has weeks 1 to {len(plan.weeks)}, not week {week}")
    sessions = plan.weeks[week - 1].sessions
    days = [s.day for s in sessions]
    if day is None and today is not None:
        day = todays_day(days, today)
    return sessions[day_index(days, week, day)]


def day_index(days: list[str], week: int, day: Optional[str]) -> int:
    """Where `day` is among a week's session days (None: the first); NoSession, naming
    the days, when it is none of them."""
    if day is None:
        return 0
    if day in days:
        return days.index(day)
    named = ", ".join(d.capitalize() for d in days)
    raise NoSession(f"week {week} has no session on {day.capitalize()}: its days are {named}")


def todays_day(days: Iterable[str], today: dt.date) -> Optional[str]:
    """Today's weekday when the week has a session on it, else None (the first)."""
    name = WEEKDAYS[today.weekday()]
    return name if name in days else None


# -- how it went ----------------------------------------------------------------------------


def hurt_in_plan(hurt: Iterable[str], swapped: Mapping[str, str]) -> tuple[str, ...]:
    """The exercises that hurt, as the plan names them: an easier version chosen during
    the session stands for the plan's exercise it replaced (`swapped`: variant to the
    plan's), which is the one a check-in can step back."""
    return tuple(dict.fromkeys(swapped.get(exercise, exercise) for exercise in hurt))


def summary_sentences(
    names: Mapping[str, str],
    counts: tuple[int, int, bool],
    skipped: Iterable[str],
    hurt: Iterable[str],
    pain: tuple[Optional[int], int],
    easier_hint: str = "",
) -> list[str]:
    """What was done, in words, for the end of a session (the terminal's and the web's).

    `counts` is (done, of, stopped early); `pain` is (the highest during the exercises,
    the person's own limit: 5, or their usual pain when higher, the plan's
    pain-monitoring note); `easier_hint` says how to ask for an easier version."""
    done, total, stopped = counts
    sentences = [
        f"You did {done} of {total} exercises"
        + (" (stopped early; what you did counts)." if stopped else ".")
    ]
    skipped = list(skipped)
    if skipped:
        sentences.append("Skipped: " + ", ".join(names.get(i, i) for i in skipped) + ".")
    hurt = list(hurt)
    if hurt:
        sentences.append(
            "Hurt: "
            + ", ".join(names.get(i, i) for i in hurt)
            + f". Next time, try its easier version{easier_hint} or fewer repetitions; if "
            "the pain spreads or does not settle by the next morning, see your clinician."
        )
    highest, limit = pain
    if highest is not None and highest > limit:
        sentences.append(
            f"Your pain went above {limit} out of 10, your limit during exercise: next "
            "time, do less, and if it has not settled by the next morning, go back to last "
            "week's amounts."
        )
    return sentences
