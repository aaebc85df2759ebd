"""Doses: how much of each exercise, how long it takes, and how it grows week by week.

The figures follow the ACSM position stand (Garber CE et al. MSSE 2011;43:1334-1359):
a stretch is held 20-30 s (15 s is a fair start after 65) for about a minute in all;
strength work is 2-3 sets of 8-15 repetitions, the last few hard but in good form,
with 30-90 s of rest between sets (stretches and mobility 0-30 s; docs/result.md).
A week's rise is a step a person can feel (2 more repetitions, 5 s more hold, one more
set, 5 more minutes of walking), never one repetition or one second; at the top of its
range an exercise holds, or moves on to its harder variant (progression.py decides).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from recommender.core.answers import Answers
from recommender.core.catalog import Dose, Exercise

# --- Time model: how long a dose takes, rests and getting into position included.
SECONDS_PER_REP = 4  # a slow, controlled repetition
SECONDS_AROUND_HOLD = 3  # moving into and out of a held repetition
SETUP_SECONDS = 20  # reading the steps and getting into position
#: Rest between sets: strength 30-90 s (a minute lets the muscles recover for the
#: next set at 8-15 repetitions); stretches, mobility and release 0-30 s (a short
#: pause to change side or settle before the next hold).
REST_SECONDS = {"strength": 60, "stretch": 10, "mobility": 10, "release": 10, "aerobic": 0}
#: Sessions shorter than this rest 30 s between strength sets (the foot of ACSM's
#: range), so that even five minutes hold an opener and some strength work.
BRIEF_SESSION, BRIEF_STRENGTH_REST = 10, 30

# --- Stretches: 3 holds per side, from 20 s (15 s after 65) up to 30 s.
STRETCH_SETS = 3
STRETCH_HOLDS = (20, 25, 30)
OLDER_STRETCH_HOLDS = (15, 20, 25, 30)
OLDER_AGE = 65

# --- Strength: sets x repetitions, in felt steps, up to 3 x 15 (ACSM 2-3 x 8-15).
STRENGTH_LADDER = ((2, 8), (2, 10), (2, 12), (2, 15), (3, 12), (3, 15))

# --- Mobility and release: repetitions (or passes) rise by 2 up to 12, then one more
# set, up to 3.
MOVE_STEP, MOVE_MAX, MOVE_MAX_SETS = 2, 12, 3

# --- Walking (NICE NG59: stay active), minutes by how active the person is now.
WALK_START = {"low": 10, "moderate": 15, "high": 20}
WALK_START_IN_SESSION = {"low": 5, "moderate": 10, "high": 15}
WALK_STEP, WALK_MAX = 5, 30
WALK_STEP_EVERY = 2  # weeks: walking rises gently, every other week


def strength_rest(minutes_per_session: int) -> int:
    """Seconds of rest between strength sets for sessions of this length."""
    return BRIEF_STRENGTH_REST if minutes_per_session < BRIEF_SESSION else REST_SECONDS["strength"]


def rest_seconds(exercise: Exercise, dose: Dose, strength: int = REST_SECONDS["strength"]) -> int:
    """The rest between sets (0 for walking and for a single set); `strength` is the
    rest between strength sets (strength_rest)."""
    if dose.minutes is not None or dose.sets == 1:
        return 0
    return strength if exercise.kind == "strength" else REST_SECONDS[exercise.kind]


@lru_cache(maxsize=8192)
def seconds(exercise: Exercise, dose: Dose, strength: int = REST_SECONDS["strength"]) -> int:
    """How long one exercise takes at `dose`, its rests (`strength` between strength
    sets) and set-up included."""
    if dose.minutes is not None:
        return dose.minutes * 60
    if dose.reps is not None:
        each = dose.hold_seconds + SECONDS_AROUND_HOLD if dose.hold_seconds else SECONDS_PER_REP
        work = dose.reps * each
    else:
        assert dose.hold_seconds is not None
        work = dose.hold_seconds
    sides = 2 if dose.per_side else 1
    rests = (dose.sets - 1) * rest_seconds(exercise, dose, strength)
    return SETUP_SECONDS + dose.sets * work * sides + rests


def starting_dose(exercise: Exercise, answers: Answers, lightest: bool = False) -> Dose:
    """Week one's dose for this person: the catalog's, set on the ACSM ranges.

    `lightest` starts strength work at the foot of the ladder (2 x 8), as for a low
    activity level: the planner asks for it when a session is too short otherwise."""
    low = lightest or answers.activity_level == "low"
    return _starting(exercise, answers.age > OLDER_AGE, low)


def next_dose(exercise: Exercise, dose: Dose, answers: Answers) -> Optional[Dose]:
    """Next step up for `dose`, or None at the top of its range (hold, or go harder)."""
    return _next(exercise, dose, answers.age > OLDER_AGE, answers.history.hypermobility)


def starting_dose_for(exercise: Exercise, older: bool, low_activity: bool) -> Dose:
    """starting_dose for someone over 65 (`older`) or not yet active (`low_activity`)."""
    return _starting(exercise, older, low_activity)


def next_dose_for(exercise: Exercise, dose: Dose, older: bool, hypermobile: bool) -> Optional[Dose]:
    """next_dose for someone over 65 (`older`), with very flexible joints or not."""
    return _next(exercise, dose, older, hypermobile)


@lru_cache(maxsize=1024)
def _starting(exercise: Exercise, older: bool, low_activity: bool) -> Dose:
    base = exercise.dose
    if exercise.kind == "stretch" and base.reps is None:
        holds = OLDER_STRETCH_HOLDS if older else STRETCH_HOLDS
        return base.with_(sets=STRETCH_SETS, hold_seconds=holds[0])
    if exercise.kind == "strength" and base.reps is not None:
        # A low activity level starts at the foot of the ladder; otherwise at the
        # catalog's dose, placed on the ladder.
        rung = 0 if low_activity else _rung(base.sets, base.reps)
        sets, reps = STRENGTH_LADDER[rung]
        return base.with_(sets=sets, reps=reps)
    return base


@lru_cache(maxsize=8192)
def _next(exercise: Exercise, dose: Dose, older: bool, hypermobile: bool) -> Optional[Dose]:
    if dose.minutes is not None:
        return None  # walking has its own slower rise (walk_minutes)
    if exercise.kind == "stretch" and dose.reps is None:
        if hypermobile:
            return None  # very flexible joints: stretches are not pushed further
        holds = OLDER_STRETCH_HOLDS if older else STRETCH_HOLDS
        later = [h for h in holds if h > (dose.hold_seconds or 0)]
        return dose.with_(hold_seconds=later[0]) if later else None
    if exercise.kind == "strength" and dose.reps is not None:
        rung = _rung(dose.sets, dose.reps)
        if rung + 1 >= len(STRENGTH_LADDER):
            return None
        sets, reps = STRENGTH_LADDER[rung + 1]
        return dose.with_(sets=sets, reps=reps)
    if dose.reps is not None and dose.reps + MOVE_STEP <= max(MOVE_MAX, dose.reps):
        return dose.with_(reps=dose.reps + MOVE_STEP)
    if dose.reps is not None and dose.sets < MOVE_MAX_SETS:
        return dose.with_(sets=dose.sets + 1)  # one more set: a step a person can feel
    return None  # timed mobility holds stay as the catalog gives them


@lru_cache(maxsize=256)
def walk_dose(exercise: Exercise, minutes: int) -> Dose:
    """Walking (or what replaces it) for `minutes`: one dose object per length."""
    return exercise.dose.with_(minutes=minutes)


def walk_minutes(answers: Answers, week: int, in_session: bool) -> int:
    """Walking for `week`: from the activity level, 5 minutes more every other week.

    Inside a session it starts at no more than a third of the time offered, so that the
    exercises keep most of it.
    """
    start = (WALK_START_IN_SESSION if in_session else WALK_START)[answers.activity_level]
    if in_session:
        third = answers.minutes_per_session // 3 // WALK_STEP * WALK_STEP
        start = min(start, max(WALK_STEP, third))
    return min(WALK_MAX, start + WALK_STEP * ((week - 1) // WALK_STEP_EVERY))


def _rung(sets: int, reps: int) -> int:
    """The ladder's first rung at or above sets x reps."""
    for index, (s, r) in enumerate(STRENGTH_LADDER):
        if s * r >= sets * reps:
            return index
    return len(STRENGTH_LADDER) - 1
