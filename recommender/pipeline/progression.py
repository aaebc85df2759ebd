"""The planner's third and fourth steps: the doses of week one, and how each week grows.

Week one starts from the ACSM doses (dosing.py) and, where a session would otherwise
be short, raises them a felt step or two (more sets, longer holds) so that the time is
real work. Walking takes at most a third of a session and fills what the exercises
cannot reach of three quarters of the time. Each later week (every other week while
pain is high or worsening) every dose rises one felt step where every session holding
it still fits; at the top of its range, with pain at 3 or less and after two weeks in
place, an exercise gives way to its harder variant; otherwise it holds. Walking never
falls. Each week is a new value: nothing is changed in place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from recommender.core.catalog import Dose, Exercise
from recommender.pipeline.choosing import (
    HALF,
    LOW_PAIN,
    RAISES_AT_START,
    START_FILL,
    Chosen,
    Facts,
)
from recommender.pipeline.dosing import next_dose, starting_dose, walk_minutes
from recommender.pipeline.layout import LOWEST_FILL, Layout

MIN_WEEKS_IN_PLACE = 2  # an exercise stays this long before its harder variant replaces it

Sessions = tuple[tuple[Exercise, ...], ...]


class WeekState(NamedTuple):
    """One week's content: each session's exercises and walking, and every dose."""

    number: int
    sessions: Sessions  # one per session day, in day order
    walks: tuple[int, ...]  # minutes of walking at the end of each session
    doses: Mapping[str, Dose]  # exercise id -> this week's dose
    times: Mapping[str, int]  # exercise id -> seconds it takes at that dose
    since: Mapping[str, int]  # exercise id -> the week it joined the plan
    started: Mapping[str, Dose]  # exercise id -> the dose it started on
    harder_why: Mapping[str, str]  # harder variants brought in, and why


def starting_doses(facts: Facts, chosen: Sequence[Chosen]) -> dict[str, Dose]:
    """Each movement's dose in week one, before any raise. When even the quickest
    opener and strength exercise overrun a session at their usual start, strength
    starts at the foot of the ladder (2 x 8), ACSM's lightest, as for someone not yet
    active, so that strength days can hold strength work."""
    answers = facts.answers
    usual = {c.exercise.id: starting_dose(c.exercise, answers) for c in chosen}
    openers = [c.exercise for c in chosen if c.exercise.opens_session]
    strength = [c.exercise for c in chosen if c.exercise.kind == "strength"]
    if not (openers and strength):
        return usual
    quickest = min(facts.time(e, usual[e.id]) for e in openers)
    quickest += min(facts.time(e, usual[e.id]) for e in strength)
    if quickest <= session_room(facts):
        return usual
    return {c.exercise.id: starting_dose(c.exercise, answers, True) for c in chosen}


def session_room(facts: Facts) -> int:
    """Seconds a session has for exercises in week one, its walking set aside."""
    walk = walk_minutes(facts.answers, 1, True) if facts.walk_in_session and facts.walk else 0
    return facts.budget - walk * 60


def raise_to_fill(facts: Facts, layout: Layout, doses: Mapping[str, Dose]) -> dict[str, Dose]:
    """Week one's doses: each session short of the starting fill has its exercises
    raised a felt step at a time, in turn (at most RAISES_AT_START steps each), while
    every session that holds them still fits. A session still short of three quarters
    of the time, its walk at a third, is raised further, up to the top of each range:
    real work before a shorter session."""
    room = session_room(facts)
    walk_most = facts.walk_room * 60 if facts.walk else 0
    out = dict(doses)
    versions = {id(s): s for s in layout.sessions}.values()  # each version once
    times = {e.id: facts.time(e, out[e.id]) for s in versions for e in s}
    start = facts.budget * START_FILL - (facts.budget - room)
    _raise(facts, layout, out, times, (start, room), RAISES_AT_START)
    _raise(facts, layout, out, times, (facts.budget * LOWEST_FILL - walk_most, room), 99)
    return out


def _raise(
    facts: Facts,
    layout: Layout,
    doses: dict[str, Dose],
    times: dict[str, int],
    target_and_room: tuple[float, int],
    most: int,
) -> None:
    """Raise `doses` (and their `times`) in place, the caller's own copies: a step at a
    time in turn for each session short of the target, at most `most` steps each,
    while every session holding the exercise stays within the room."""
    target, room = target_and_room
    sessions = list(dict.fromkeys(layout.sessions))  # each version once, in day order
    used = [_used(s, times) for s in sessions]
    holding: dict[str, list[int]] = {}  # exercise id -> the sessions that hold it
    for m, s in enumerate(sessions):
        for e in s:
            holding.setdefault(e.id, []).append(m)
    steps = dict.fromkeys(doses, 0)
    for n, session in enumerate(sessions):
        rising = True
        while rising and used[n] < target:
            rising = False
            for e in session:
                if used[n] >= target or steps[e.id] >= most:
                    continue
                new = next_dose(e, doses[e.id], facts.answers)
                extra = facts.time(e, new) - times[e.id] if new is not None else 0
                if new is None or any(used[m] + extra > room for m in holding[e.id]):
                    continue
                doses[e.id], times[e.id], steps[e.id] = new, times[e.id] + extra, steps[e.id] + 1
                for m in holding[e.id]:
                    used[m] += extra
                rising = True


def first_week(facts: Facts, layout: Layout, doses: Mapping[str, Dose]) -> WeekState:
    exercises = {e.id: e for s in layout.sessions for e in s}
    state = WeekState(
        number=1,
        sessions=layout.sessions,
        walks=tuple(0 for _ in layout.sessions),
        doses={i: doses[i] for i in exercises},
        times={i: facts.time(e, doses[i]) for i, e in exercises.items()},
        since=dict.fromkeys(exercises, 1),
        started={i: doses[i] for i in exercises},
        harder_why={},
    )
    return state._replace(walks=walks_for(facts, state))


def next_week(facts: Facts, state: WeekState, step_every: int) -> WeekState:
    """The week after `state`: doses raised when a step is due, then walking."""
    number = state.number + 1
    grown = state._replace(number=number)
    if (number - 1) % step_every == 0:
        grown = _progress(facts, grown)
    return grown._replace(walks=walks_for(facts, grown, state.walks))


def walks_for(facts: Facts, state: WeekState, before: Sequence[int] = ()) -> tuple[int, ...]:
    """Minutes of walking in each session: what the activity level suggests, or what
    the exercises leave unfilled of three quarters of the time, whichever is more, at
    most a third of a session of 15 minutes or more (under 15, where no cap is set,
    what brings a session to half the time); never less than the week before."""
    if facts.walk is None:
        return tuple(0 for _ in state.sessions)
    # Under 15 minutes walking only tops up what the exercises leave unfilled.
    want = walk_minutes(facts.answers, state.number, True) if facts.walk_in_session else 0
    walks = []
    # Each version of a session once, with each walk it had the week before.
    worked_out: dict[tuple[int, int], int] = {}
    for n, session in enumerate(state.sessions):
        earlier = before[n] if before else 0
        key = (id(session), earlier)
        if key not in worked_out:
            used = _used(session, state.times)
            need = math.ceil((facts.budget * LOWEST_FILL - used) / 60)
            room = (facts.budget - used) // 60
            walk = max(0, min(room, facts.walk_room, max(earlier, want, need)))
            if not facts.walk_in_session:
                # Never under half the time: where the exercises of a short session cannot
                # reach it, walking makes up the half (and no more).
                half = math.ceil((facts.budget * HALF - used) / 60)
                walk = max(walk, min(room, half))
            elif math.ceil((used + walk * 60) / 60) < facts.budget * HALF / 60:
                # From 15 minutes walking keeps to its third and the movements chosen fill
                # the half (choosing.py). Only where the session's exercises, at the doses
                # the week allows, still leave it under half the time as shown in minutes
                # does walking make up the half, and no more: docs/result.md cannot have
                # both there. Where a third strength day can be placed, the planner
                # gives one (layout.one_more_strength_day) and this walk goes; two cases
                # are known where it cannot: three to seven safe exercises and an hour
                # offered (every dose at its top), and four or more days a week with too
                # few gentle exercises for the day that must go without strength work
                # (tests/pipeline/test_properties.py, FOUR_DAYS_WITH_TOO_FEW_SAFE_EXERCISES).
                least = math.ceil(facts.budget * HALF / 60)
                walk = max(walk, min(room, (60 * (least - 1) - used) // 60 + 1))
            worked_out[key] = walk
        walks.append(worked_out[key])
    return tuple(walks)


def _progress(facts: Facts, state: WeekState) -> WeekState:
    """Every exercise rises one felt step where all its sessions still fit; at the top
    of its range (or of the time, once it has risen) it may give way to its harder
    variant."""
    doses, times, sessions = dict(state.doses), dict(state.times), state.sessions
    since, why = dict(state.since), dict(state.harder_why)
    started = dict(state.started)
    versions = _versions(sessions, state.walks, times)
    for exercise_id in list(doses):
        exercise = facts.eligible[exercise_id]
        old = doses[exercise_id]
        new = next_dose(exercise, old, facts.answers)
        if new is not None:
            extra = facts.time(exercise, new) - times[exercise_id]
            if _fits(facts, versions, exercise, extra):
                doses[exercise_id], times[exercise_id] = new, times[exercise_id] + extra
                for session in versions:
                    if exercise in session:
                        versions[session] += extra
                continue
            if old == state.started[exercise_id]:
                continue  # not yet risen at all: it holds
        if state.number - since[exercise_id] >= MIN_WEEKS_IN_PLACE:
            harder = _harder(facts, versions, times, exercise)
            if harder is not None:
                sessions = _swap(sessions, exercise, harder)
                del doses[exercise_id], times[exercise_id]
                doses[harder.id] = started[harder.id] = starting_dose(harder, facts.answers)
                times[harder.id] = facts.time(harder, doses[harder.id])
                versions = _versions(sessions, state.walks, times)
                since[harder.id] = state.number
                why[harder.id] = (
                    f"the next step after {exercise.name}, which reached the top of its "
                    f"range with pain at {LOW_PAIN} or less"
                )
    return state._replace(
        sessions=sessions, doses=doses, times=times, since=since, started=started, harder_why=why
    )


def _harder(
    facts: Facts,
    versions: Mapping[tuple[Exercise, ...], int],
    times: Mapping[str, int],
    exercise: Exercise,
) -> Exercise | None:
    """The harder variant, when the rules allow it: low pain, passed every filter, the
    same kind of work for the same painful areas, not in the plan yet, and it fits
    every session holding it."""
    harder = facts.eligible.get(exercise.harder or "")
    if harder is None or harder.kind != exercise.kind or harder.id in times:
        return None
    if facts.answers.pain_intensity > LOW_PAIN:
        return None
    if not set(harder.areas) >= set(exercise.areas) & set(facts.areas):
        return None  # it would leave a painful area this exercise works
    extra = facts.time(harder, starting_dose(harder, facts.answers)) - times[exercise.id]
    return harder if _fits(facts, versions, exercise, extra) else None


def _versions(
    sessions: Sessions, walks: Sequence[int], times: Mapping[str, int]
) -> dict[tuple[Exercise, ...], int]:
    """Each version of the week's sessions once, with the seconds it takes: its
    exercises at `times` and its walk (the last day's). Kept up to date as doses rise,
    rather than summed again for every exercise (benchmarks/bench.py (b))."""
    return {s: _used(s, times) + walk * 60 for s, walk in zip(sessions, walks, strict=True)}


def _fits(
    facts: Facts,
    versions: Mapping[tuple[Exercise, ...], int],
    exercise: Exercise,
    extra: int,
) -> bool:
    """Every session holding `exercise` (`versions`: each session once, with the
    seconds it takes) still fits the time with `extra` seconds."""
    return all(used + extra <= facts.budget for s, used in versions.items() if exercise in s)


def _swap(sessions: Sessions, old: Exercise, new: Exercise) -> Sessions:
    """The sessions with `new` in place of `old`; sessions that were one object stay one."""
    swapped: dict[int, tuple[Exercise, ...]] = {}
    return tuple(
        swapped.setdefault(id(s), tuple(new if e is old else e for e in s)) for s in sessions
    )


def _used(session: tuple[Exercise, ...], times: Mapping[str, int]) -> int:
    """Seconds a session's exercises take."""
    return sum(times[e.id] for e in session)
