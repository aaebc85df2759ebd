"""The planner's second step: the week's days, and which movements each session holds.

Strength work goes on 2 or 3 days that are never neighbours (ACSM 2011); the other
days are for mobility and stretching. With two or more days of one kind the sessions
alternate between two versions (A and B), so the week has variety while each exercise
keeps its place long enough to learn it. Each session opens with mobility or a
stretch and holds what fits in the time offered, its walking set aside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from recommender.core.catalog import Dose, Exercise
from recommender.pipeline.choosing import (
    KIT,
    START_FILL,
    Chosen,
    Facts,
    content_ids,
    most_strength_days,
)
from recommender.pipeline.dosing import walk_minutes

#: Days (counted from the first day of each week) that spread n sessions over 7 days.
DAY_OFFSETS: dict[int, tuple[int, ...]] = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 5),
    5: (0, 1, 2, 4, 5),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
MAX_STRENGTH = 3  # strength exercises in one session
MAX_STRENGTH_DAYS = 3  # ACSM 2011: strength work on 2-3 days a week
LOWEST_FILL = 0.75  # of the time offered (docs/result.md)
SESSION_ORDER = {"mobility": 0, "release": 1, "strength": 2, "stretch": 3, "aerobic": 4}


class Layout(NamedTuple):
    """The week: each session's day (offset from the week's first day) and exercises."""

    offsets: tuple[int, ...]
    strength_days: frozenset[int]
    sessions: tuple[tuple[Exercise, ...], ...]  # one per offset; A and B share objects


def strength_days(
    facts: Facts, chosen: Sequence[Chosen], offsets: tuple[int, ...]
) -> frozenset[int]:
    """2-3 non-consecutive days for strength (ACSM), counting Sunday-to-Monday; 2 for
    someone not yet active (most_strength_days), who may be given a third
    (one_more_strength_day)."""
    if not any(c.exercise.kind == "strength" for c in chosen):
        return frozenset()
    limit = most_strength_days(facts.answers)
    days: list[int] = []
    for offset in offsets:
        if len(days) < limit and all(apart(offset, other) for other in days):
            days.append(offset)
    return frozenset(days)


def one_more_strength_day(facts: Facts, layout: Layout, walks: Sequence[int]) -> int | None:
    """A day without strength work whose walk had to pass its third to bring the
    session to half the time (progression.walks_for), when it can take strength work
    too: it neighbours no strength day and the week has fewer than three (ACSM 2011:
    2-3 days, for someone not yet active too). docs/result.md asks for both walking at
    most a third and never under half; a day of gentle work alone cannot always give
    both (the gentle movements too few, or their doses held down by full strength days
    holding the same ones), and a third day of strength work can."""
    strong = layout.strength_days
    if not strong or len(strong) >= MAX_STRENGTH_DAYS or not facts.walk_in_session:
        return None
    for offset, walk in zip(layout.offsets, walks, strict=True):
        if walk > facts.walk_room and offset not in strong:
            if all(apart(offset, day) for day in strong):
                return offset
    return None


def apart(a: int, b: int) -> bool:
    """Not the same or neighbouring days, Sunday and the next Monday included."""
    gap = abs(a - b) % 7
    return min(gap, 7 - gap) >= 2


def lay_out_week(
    facts: Facts,
    chosen: Sequence[Chosen],
    doses: Mapping[str, Dose],
    also_strong: frozenset[int] = frozenset(),
) -> Layout:
    """Each day's session at the starting `doses`: version A and B of each kind of day.
    `also_strong`: days given strength work besides strength_days' (one_more_strength_day)."""
    offsets = DAY_OFFSETS[facts.answers.days_per_week]
    strong = strength_days(facts, chosen, offsets) | also_strong
    menu = _menu(facts, chosen, doses)  # once for every version (benchmarks/bench.py (b))
    built: dict[tuple[bool, int], tuple[Exercise, ...]] = {}
    seen = {True: 0, False: 0}
    sessions = []
    for offset in offsets:
        kind = offset in strong
        version = seen[kind] % 2
        seen[kind] += 1
        if (kind, version) not in built:
            placed = frozenset(e.id for session in built.values() for e in session)
            built[(kind, version)] = _version(menu, kind, built.get((kind, 0)), placed)
        sessions.append(built[(kind, version)])
    return Layout(offsets, strong, tuple(sessions))


class _Room(NamedTuple):
    """A session's time, in seconds: what it may hold, and the fills it aims at."""

    budget: int  # all of it
    room: int  # once week one's walk is set aside
    start: float  # the starting fill, its walk set aside: room is left to grow
    least: float  # three quarters, its walk set aside


def session_room(facts: Facts) -> _Room:
    walk = walk_minutes(facts.answers, 1, True) * 60 if facts.walk_in_session and facts.walk else 0
    return _Room(
        budget=facts.budget,
        room=facts.budget - walk,
        start=facts.budget * START_FILL - walk,
        least=facts.budget * LOWEST_FILL - walk,
    )


def _version(
    menu: _Menu,
    strength_day: bool,
    first: tuple[Exercise, ...] | None,
    placed: AbstractSet[str],
) -> tuple[Exercise, ...]:
    """Version A, or (given A) a version B that differs from it and, on a strength
    day, still holds strength work; A again when there is no room for variety.
    `placed`: the exercises the week's sessions built so far hold."""
    if first is None:
        return _session(menu, strength_day, 0, placed=placed)
    for same_opener in (False, True):
        session = _session(menu, strength_day, 1, same_opener, placed)
        if session != first and (_holds_strength(session) or not strength_day):
            return session
    return first


def one_session(
    facts: Facts,
    chosen: Sequence[Chosen],
    doses: Mapping[str, Dose],
    strength_day: bool,
    version: int,
    same_opener: bool = False,
    placed: AbstractSet[str] = frozenset(),
) -> tuple[Exercise, ...]:
    """One session: an opener, strength work on a strength day, then what else fits,
    up to the starting fill (room is left for the doses to grow), and past it only
    while the session is short of three quarters of the time. Version 1 (B) starts
    from what version 0 (A) would reach last, for variety (with A's opener when
    `same_opener`). `placed`: what the week's other sessions hold already."""
    menu = _menu(facts, chosen, doses)
    return _session(menu, strength_day, version, same_opener, placed)


class _Menu(NamedTuple):
    """What every session of a week is made from."""

    room: _Room
    exercises: list[Exercise]  # the chosen, the presentation's content and kit first
    time: Mapping[str, int]  # exercise id -> seconds at its starting dose
    kit_users: frozenset[str]  # the ids of those that use the person's own equipment
    content: frozenset[str]  # the ids of those that are the presentation's content


def _menu(facts: Facts, chosen: Sequence[Chosen], doses: Mapping[str, Dose]) -> _Menu:
    # The presentation's content first, then the person's own equipment, so that a
    # short session still holds them.
    kit = frozenset(str(k) for k in facts.answers.equipment) & frozenset(KIT)
    content = content_ids(facts.answers)
    exercises = sorted(
        (c.exercise for c in chosen),
        key=lambda e: (e.id not in content, not kit & set(e.equipment)),
    )
    time = {e.id: facts.time(e, doses[e.id]) for e in exercises}
    return _Menu(
        session_room(facts),
        exercises,
        time,
        frozenset(e.id for e in exercises if kit & set(e.equipment)),
        frozenset(e.id for e in exercises if e.id in content),
    )


def _session(
    menu: _Menu,
    strength_day: bool,
    version: int,
    same_opener: bool = False,
    placed: AbstractSet[str] = frozenset(),
) -> tuple[Exercise, ...]:
    """one_session, from the week's menu."""
    room, exercises, time = menu.room, menu.exercises, menu.time
    # The content and the person's own equipment may each take the whole session,
    # walking giving way (real work before walking): the equipment always, the content
    # while no other session of the week holds it (elsewhere it leaves room for the
    # doses to grow).
    own = menu.kit_users | (menu.content - placed)
    strength = _turn([e for e in exercises if e.kind == "strength"], version)
    if not strength_day:
        strength = []
    held = _opening(exercises, strength, time, room.room, 0 if same_opener else version)
    rest = _turn([e for e in exercises if e.kind != "strength" and e not in held], version)
    # Up to three strength exercises, unless the session would otherwise be short.
    _fill(held, strength[:MAX_STRENGTH] + rest, time, room.start, room.room, own, room.budget)
    _fill(held, strength + rest, time, room.room, room.least, own, room.budget)
    if len(held) < 2:  # a very short session: the quickest that fits at all
        others = (e for e in exercises if e not in held and (strength_day or e.kind != "strength"))
        spare = sorted(others, key=lambda e: time[e.id])
        _fill(held, spare[:1], time, room.budget, room.budget, set(), 0)
    return _in_session_order(held, version)


def _opening(
    exercises: list[Exercise],
    strength: list[Exercise],
    time: Mapping[str, int],
    room: int,
    version: int,
) -> list[Exercise]:
    """The opener (short enough to leave room for strength work on a strength day) and,
    on a strength day, its first strength exercise, whatever else the session holds."""
    openers = [e for e in exercises if e.opens_session]
    if strength:
        quickest = min(time[e.id] for e in strength)
        openers = [e for e in openers if time[e.id] + quickest <= room] or openers
    held = _turn(openers, version)[:1]
    used = sum(time[e.id] for e in held)
    return held + [e for e in strength if used + time[e.id] <= room][:1]


def _fill(
    held: list[Exercise],
    candidates: Sequence[Exercise],
    time: Mapping[str, int],
    limit: float,
    enough: float,
    own: AbstractSet[str],
    own_limit: float,
) -> None:
    """Add candidates, in order, that keep the session within `limit` (or `own_limit`
    for the ids in `own`, the presentation's content and the person's own equipment:
    real work before walking), until `enough`."""
    used = sum(time[h.id] for h in held)
    for e in candidates:
        if used >= enough:
            return
        most = max(limit, own_limit) if e.id in own else limit
        if e not in held and used + time[e.id] <= most:
            held.append(e)
            used += time[e.id]


def _turn(items: list[Exercise], version: int) -> list[Exercise]:
    """Version B takes the list from its second half first."""
    if version == 0 or len(items) < 2:
        return items
    half = (len(items) + 1) // 2
    return items[half:] + items[:half]


def _in_session_order(held: list[Exercise], version: int) -> tuple[Exercise, ...]:
    if not held:
        return ()
    opener, rest = held[0], held[1:]
    if version:
        rest = rest[::-1]  # the same kinds in another order: B reads differently
    return (opener, *sorted(rest, key=lambda e: SESSION_ORDER[e.kind]))


def _holds_strength(session: tuple[Exercise, ...]) -> bool:
    return any(e.kind == "strength" for e in session)
