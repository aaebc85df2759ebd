"""The planner's first step: what it knows about the person, and which movements to teach.

A plan teaches few movements (docs/result.md; Henry et al., Phys Ther 1999: fewer
exercises, better adherence): at most 6 besides walking for sessions of 30 minutes or
less, 9 for longer ones, an exercise and its easier and harder variants counting as
one. The movements are chosen in order of need: an opener, the content the person's
presentation calls for, strength work for every painful area, the equipment they
have, a stretch or mobility exercise for every painful area, then more only while the
sessions could not otherwise be filled, and last a second gentle movement where the
week has days without strength work (those days hold gentle work only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple, Optional

from recommender.core.answers import Answers
from recommender.core.catalog import Dose, Exercise, Position
from recommender.core.wording import words
from recommender.pipeline.dosing import (
    BRIEF_SESSION,
    OLDER_AGE,
    next_dose_for,
    seconds,
    starting_dose_for,
    strength_rest,
    walk_minutes,
)

AREA_ORDER = ("neck", "shoulders", "upper_back", "mid_back", "lower_back")
CAP, LONG_SESSION_CAP, LONG_SESSION = 6, 9, 30  # movements to learn; minutes
WALK_IN_SESSION_FROM = 15  # minutes offered: shorter sessions walk on the days between
LOW_PAIN = 3  # harder variants and a fitter start only at or below this pain
START_FILL = 0.85  # of the time offered, in week one; the rest leaves room to grow
HALF = 0.5  # a session is never shorter than half the time offered (docs/result.md)
RAISES_AT_START = 2  # felt steps a starting dose may be raised to fill a session
TOP = 99  # felt steps: more than any range holds, so the top of it
NERVE_SLIDERS = ("sciatic-nerve-slider", "median-nerve-slider")  # the catalog's fixed ids
BALANCE = ("supported-tandem-stance",)
#: Equipment a plan uses when the person has it (docs/result.md).
KIT = ("resistance_band", "dumbbells", "doorway", "worktop", "foam_roller")


class Facts(NamedTuple):
    """What the planner knows about the person, read once; nothing here changes."""

    answers: Answers
    areas: tuple[str, ...]
    budget: int  # seconds a session may take
    walk_in_session: bool  # sessions of 15 minutes or more end with a walk
    walk_room: int  # minutes of a session walking may take: a third (a half, as a
    # top-up only, under 15 minutes, where docs/result.md sets no cap)
    cap: int  # movements to learn besides walking
    fitter: bool  # strength starts at level 2 where one passes
    eligible: Mapping[str, Exercise]  # passed every filter, in catalog order
    family: Mapping[str, str]  # exercise id -> its family (Catalog.families)
    positions: Mapping[str, Position]
    walk: Optional[Exercise]  # walking, or the whole-body activity that replaces it
    strength_rest: int  # seconds between strength sets
    gentle_days: bool  # the week has days without strength work (layout.py)

    def time(self, exercise: Exercise, dose: Dose) -> int:
        """Seconds the exercise takes at `dose`, rests and setting up included."""
        return seconds(exercise, dose, self.strength_rest)


class Chosen(NamedTuple):
    """One movement to learn, in the variant it starts with, and why."""

    exercise: Exercise
    why: str


def read_facts(
    answers: Answers,
    eligible: Sequence[Exercise],
    families: Mapping[str, str],
    positions: Mapping[str, Position],
    triage_none: bool = True,
) -> Facts:
    minutes = answers.minutes_per_session
    fit = answers.activity_level == "high" and answers.pain_intensity <= LOW_PAIN
    return Facts(
        answers=answers,
        areas=tuple(a for a in AREA_ORDER if a in answers.pain_areas),
        budget=minutes * 60,
        walk_in_session=minutes >= WALK_IN_SESSION_FROM,
        walk_room=minutes // 3 if minutes >= WALK_IN_SESSION_FROM else minutes // 2,
        cap=LONG_SESSION_CAP if minutes > LONG_SESSION else CAP,
        fitter=fit and triage_none,
        eligible={e.id: e for e in eligible},
        family=families,
        positions=positions,
        walk=next((e for e in eligible if e.kind == "aerobic"), None),
        strength_rest=strength_rest(minutes),
        gentle_days=answers.days_per_week > most_strength_days(answers),
    )


def most_strength_days(answers: Answers) -> int:
    """Strength work on 2 or 3 days a week that are never neighbours (ACSM 2011), 2 for
    someone not yet active (a third where a day of gentle work alone cannot fill half
    the session: layout.one_more_strength_day); the week's other days hold gentle work
    only (layout.py)."""
    return 2 if answers.activity_level == "low" else 3


def presentation_content(answers: Answers) -> list[tuple[str, tuple[str, ...]]]:
    """The content a presentation calls for (docs/result.md), as (why, catalog ids in
    order of preference); the ids are the catalog's fixed ones."""
    return list(_presentation(_presentation_key(answers))[0])


def content_ids(answers: Answers) -> frozenset[str]:
    """Every catalog id of the presentation's content (presentation_content)."""
    return _presentation(_presentation_key(answers))[1]


def _presentation_key(answers: Answers) -> tuple[bool, ...]:
    """The few answers the presentation's content depends on."""
    flags, areas = answers.red_flags, answers.pain_areas
    return (
        flags.limb_pain_or_tingling and "lower_back" in areas,
        flags.limb_pain_or_tingling and "neck" in areas,
        answers.pregnancy in ("later_trimester", "postnatal"),
        flags.walking_leg_pain,
        answers.history.balance_problems or answers.age >= 80,
    )


# Cached: the planner asks several times a plan, and 32 answers cover everyone
# (benchmarks/bench.py (b), warm throughput).
@lru_cache(maxsize=64)
def _presentation(
    key: tuple[bool, ...],
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], frozenset[str]]:
    leg, arm, pelvic_floor, walking_leg_pain, balance = key
    wanted: list[tuple[str, tuple[str, ...]]] = []
    # Nerve sliders ease nerve-related limb pain (Basson et al., JOSPT 2017).
    why = "a nerve slider: it keeps the nerve to your {limb} moving gently (Basson 2017)"
    if leg:
        wanted.append((why.format(limb="leg"), ("sciatic-nerve-slider",)))
    if arm:
        wanted.append((why.format(limb="arm"), ("median-nerve-slider",)))
    if pelvic_floor:
        why = "pelvic floor work, for later pregnancy and after a birth (NICE NG201, NG194)"
        wanted.append((why, ("pelvic-floor",)))
    if walking_leg_pain:
        why = "bending forward in sitting, which eases leg pain on walking (NASS 2011)"
        wanted.append((why, ("flexion-in-sitting",)))
    if balance:
        why = "balance training with your hands near a support (Sherrington 2019)"
        wanted.append((why, BALANCE))
    return tuple(wanted), frozenset(i for _, ids in wanted for i in ids)


def choose_movements(
    facts: Facts,
    at_least: int = 0,
    left_out: frozenset[str] = frozenset(),
    quick_kit: bool = False,
) -> tuple[Chosen, ...]:
    """The movements to teach, each in its starting variant, most needed first; at
    least `at_least` of them when that many pass the filters and the cap allows; none
    of the families `left_out` (those no session had room for); with `quick_kit`, the
    person's equipment in its quickest exercises where a session could not otherwise
    hold it all."""
    picks = _Picks(facts, at_least, left_out)
    # The presentation's own content first: a nerve slider or bending forward in
    # sitting is gentle mobility, and opens the session where it is chosen.
    for why, ids in presentation_content(facts.answers):
        picks.add_first(why, (facts.eligible[i] for i in ids if i in facts.eligible))
    picks.opener()
    picks.strength_for_each_area()
    picks.equipment()
    if quick_kit:
        picks.kit_in_one_session()
    picks.stretch_for_each_area()
    picks.until_sessions_fill()
    picks.second_gentle()
    return tuple(picks.fitter_start())


def starting_variants(facts: Facts) -> list[Exercise]:
    """Every exercise a movement may start with: not walking, not level 3 (reached only
    by progression), in order of preference (the level that suits the person, off the
    floor for someone who falls, nothing awkward in later pregnancy, working the most
    painful areas, catalog order)."""
    level = 2 if facts.fitter else 1
    avoid_floor = facts.answers.history.balance_problems  # getting down is itself a risk
    # Safe, but awkward with a bump: leaning back unsupported, and the hips bent past a
    # right angle (knee hugs); chosen only where nothing else serves.
    awkward = facts.answers.pregnancy == "later_trimester"
    person = (level, bool(avoid_floor), awkward, frozenset(facts.areas))
    # A nerve slider is for nerve symptoms in a limb, and only then (Basson 2017).
    sliders = () if facts.answers.red_flags.limb_pain_or_tingling else NERVE_SLIDERS
    body = (
        e
        for e in facts.eligible.values()
        if e.kind != "aerobic" and e.level < 3 and e.id not in sliders
    )
    # In catalog order, and sorting is stable: equals stay in catalog order.
    return sorted(body, key=lambda e: _rank(e, person))


class _Picks:
    """The movements chosen so far; used only inside choose_movements."""

    def __init__(self, facts: Facts, at_least: int, left_out: frozenset[str]) -> None:
        self.facts = facts
        self.at_least = at_least
        self.left_out = left_out
        self.options = starting_variants(facts)
        # The level-2 variant each strength movement starts with, for the fit.
        self.level_two = {
            facts.family[e.id]: e
            for e in reversed(self.options)  # the first in order of preference wins
            if facts.fitter and e.kind == "strength" and e.level == 2
        }
        self.content = content_ids(facts.answers)
        self.chosen: list[Chosen] = []
        self.families: set[str] = set()
        # Running totals of the chosen, in seconds (see seconds()).
        self.quickest_opener = 0  # the quickest chosen opener at its usual start
        self.strength_start = 0  # strength work at its usual start
        self.raised = {True: 0, False: 0}  # raised starts, with strength work or without
        answers = facts.answers
        # Over 65, not yet active, hypermobile: what a start depends on (see seconds()).
        self.person = (
            answers.age > OLDER_AGE,
            answers.activity_level == "low",
            answers.history.hypermobility,
        )
        self.owned_kit = set(answers.equipment) & set(KIT)
        self._kit_used: Optional[set[str]] = None  # see unused_kit; None when stale

    def free(self, e: Exercise) -> bool:
        family = self.facts.family[e.id]
        return family not in self.families and family not in self.left_out

    def full(self) -> bool:
        return len(self.chosen) >= self.facts.cap

    def add(self, exercise: Exercise, why: str) -> None:
        self.chosen.append(Chosen(exercise, why))
        self._kit_used = None
        self.families.add(self.facts.family[exercise.id])
        start = self.seconds(exercise, "start")
        if exercise.opens_session:
            self.quickest_opener = min(self.quickest_opener or start, start)
        strength = exercise.kind == "strength"
        self.strength_start += start if strength else 0
        raised = self.seconds(exercise, "raised")
        self.raised[True] += raised
        self.raised[False] += 0 if strength else raised

    def add_first(self, why: str, options: Iterable[Exercise]) -> bool:
        """Add the first option whose movement is not taught yet; False if none."""
        if self.full():
            return False
        for e in options:
            if self.free(e):
                self.add(e, why.format(kind=e.kind, where=self.where(e)))
                return True
        return False

    def where(self, exercise: Exercise) -> str:
        return _where(exercise.areas, self.facts.areas)

    def seconds(self, e: Exercise, how: str) -> int:
        """Seconds `e` takes at its usual start, its lightest start, its start raised
        as far as a starting dose may be, or at the top of its range (`how`: "start",
        "lightest", "raised", "top")."""
        return _start_seconds(e, how, self.person, self.facts.strength_rest)

    def unused_kit(self, e: Exercise) -> int:
        """Minus the pieces of the person's kit `e` uses that nothing chosen uses yet."""
        # What the chosen use is kept until they change (benchmarks/bench.py (b)).
        if self._kit_used is None:
            self._kit_used = {k for c in self.chosen for k in c.exercise.equipment}
        return -len((set(e.equipment) & self.owned_kit) - self._kit_used)

    def opener(self) -> None:
        """Mobility (or a stretch) first: it warms up the areas that hurt. The opener of
        a strength day must leave room for strength work: in a short session, one
        that leaves room for the quickest strength exercise at its lightest."""
        openers = [e for e in self.options if e.opens_session]
        strength = [self.seconds(e, "lightest") for e in self.options if e.kind == "strength"]
        if strength:
            room = self.facts.budget - min(strength)
            fits = [e for e in openers if self.seconds(e, "start") <= room]
            openers = fits or openers
        if any(c.exercise in openers for c in self.chosen):
            return  # the presentation's own content opens the session
        if self.facts.budget < BRIEF_SESSION * 60:
            # Under 10 minutes a session holds little more than its opener and one
            # strength exercise: the opener is the one that uses the person's equipment.
            openers.sort(key=lambda e: (self.unused_kit(e), e.kind != "mobility"))
        else:
            openers.sort(key=lambda e: e.kind != "mobility")
        self.add_first("opens the session gently ({kind} for your {where})", openers)

    def strength_for_each_area(self) -> None:
        """One strength movement for every painful area, each working as many areas
        still without one as it can (and the person's own equipment where it helps)."""
        # Balance training is there for the falls it prevents, not as the area's strength.
        balance = {self.facts.family.get(i) for i in BALANCE}
        strength = [
            e
            for e in self.options
            if e.kind == "strength" and self.facts.family[e.id] not in balance
        ]

        movements = {
            area: len({self.facts.family[e.id] for e in strength if area in e.areas})
            for area in self.facts.areas
        }

        # The options' areas, looked up once: the sorts below read them for every
        # option and area (benchmarks/bench.py (b)).
        serving = {e: self.serves(e) for e in strength}

        # The area with the fewest movements first, so that a movement that would also
        # serve it is not spent on an area that has others.
        for area in sorted(self.facts.areas, key=movements.__getitem__):
            covered = self.covered()
            if area in covered:
                continue
            left = set(self.facts.areas) - covered
            # Areas with fewer movements weigh more: they have fewer ways to be served.
            weight = {a: 1 / movements[a] for a in left if movements[a]}
            options = sorted(
                (e for e in strength if area in serving[e]),
                key=lambda e: (-sum(weight.get(a, 0) for a in serving[e]), self.unused_kit(e)),
            )
            if self.facts.budget < BRIEF_SESSION * 60:
                options.sort(key=self.unused_kit)  # see opener(): room for one only
            options.sort(key=self.too_long)  # it must fit beside the opener
            self.add_first(f"strength for your {words(area)}", options)

    def serves(self, e: Exercise) -> tuple[str, ...]:
        """The areas of the variant `e` starts with: a fitter start's level-2 variant
        may work fewer of them (a dumbbell row, not the neck as scapular setting)."""
        return self.starts_as(e).areas

    def covered(self) -> set[str]:
        """The areas the chosen strength work serves, of what fits beside the opener."""
        return {
            a
            for c in self.chosen
            if c.exercise.kind == "strength" and not self.too_long(c.exercise)
            for a in self.serves(c.exercise)
        }

    def too_long(self, strength: Exercise) -> bool:
        """The strength exercise, at its lightest, does not fit a session beside the
        quickest opener chosen."""
        return self.quickest_opener + self.seconds(strength, "lightest") > self.facts.budget

    def equipment(self) -> None:
        """The person's band, dumbbells, doorway, worktop or roller, where a safe
        exercise for a painful area uses it, in the variant the movement starts with
        (a fitter start may begin a movement in a variant without it)."""
        # The equipment each option for a painful area starts with, worked out once for
        # every piece (benchmarks/bench.py (b)).
        painful = set(self.facts.areas)
        starts: Optional[list[tuple[Exercise, tuple[str, ...]]]] = None
        for kit in KIT:
            if kit not in self.facts.answers.equipment:
                continue
            if any(kit in self.starts_as(c.exercise).equipment for c in self.chosen):
                continue
            if starts is None:
                starts = [
                    (e, self.starts_as(e).equipment) for e in self.options if painful & set(e.areas)
                ]
            options = [e for e, kit_used in starts if kit in kit_used]
            why = f"uses {words(kit)}: {{kind}} for your {{where}}"
            if not self.add_first(why, options) and not self.swap_for_kit(kit, options):
                self.gentle_for_kit(why, options)

    def starts_as(self, e: Exercise) -> Exercise:
        """The variant the movement of `e` starts with: its level-2 variant for the fit
        (strength work; the presentation's own content aside), else `e`."""
        if e.kind != "strength" or e.level == 2 or e.id in self.content:
            return e
        return self.level_two.get(self.facts.family[e.id], e)

    def gentle_for_kit(self, why: str, options: list[Exercise]) -> None:
        """With every movement to learn taken, a gentle movement (mobility, a stretch or
        relaxation) that uses none of the person's equipment gives its place to a
        gentle one that uses the kit: the equipment comes before more stretching. An
        opener gives way only to another that can open the session. Only in sessions
        of 15 minutes or more (under that, the plan says why the equipment waits)."""
        if not self.facts.walk_in_session:
            return  # a shorter session has room for little beside its strength work
        owned = set(self.facts.answers.equipment) & set(KIT)
        gentle = [e for e in options if e.kind != "strength" and self.free(e)]
        for n in reversed(range(len(self.chosen))):
            old = self.chosen[n].exercise
            if old.kind == "strength" or old.id in self.content or owned & set(old.equipment):
                continue
            openers = [c for c in self.chosen if c.exercise.opens_session]
            for e in gentle:
                if old.opens_session and openers == [self.chosen[n]] and not e.opens_session:
                    continue
                self.replace(n, e, why.format(kind=e.kind, where=self.where(e)))
                return

    def replace(self, n: int, exercise: Exercise, why: str) -> None:
        """The n-th movement gives its place to `exercise` (running totals redone)."""
        kept = [c for m, c in enumerate(self.chosen) if m != n]
        self.rebuild([*kept[:n], Chosen(exercise, why), *kept[n:]])

    def kit_in_one_session(self) -> None:
        """A session holds the presentation's content and the person's equipment when
        it can (layout.py). Where their exercises at their usual start would overrun
        one session, each piece of equipment is used in its quickest exercise that
        leaves no painful area without the strength work it had: work with what they
        have, in the time they have. Asked for only when the week's sessions left a
        piece of their equipment out (planner.py)."""
        owned = set(self.facts.answers.equipment) & set(KIT)
        for kit in sorted(owned, key=lambda k: -self.kit_seconds(k)):
            if self.must_seconds() <= self.facts.budget:
                return
            users = [n for n, c in enumerate(self.chosen) if kit in c.exercise.equipment]
            if len(users) != 1 or self.chosen[users[0]].exercise.id in self.content:
                continue
            n, old = users[0], self.chosen[users[0]].exercise
            covered = self.strength_areas()
            for e in sorted(self.options, key=lambda e: self.seconds(e, "start")):
                if self.seconds(e, "start") >= self.seconds(old, "start"):
                    break
                same = self.facts.family[e.id] == self.facts.family[old.id]
                usable = kit in e.equipment and set(e.areas) & set(self.facts.areas)
                if not usable or not (same or self.free(e)) or e.kind != old.kind:
                    continue
                if owned & set(old.equipment) - set(e.equipment):
                    continue  # it would leave another of their pieces unused
                before = self.chosen[n]
                self.replace(n, e, f"uses {words(kit)}: {e.kind} for your {self.where(e)}")
                if self.strength_areas() >= covered:
                    break
                self.replace(n, before.exercise, before.why)

    def kit_seconds(self, kit: str) -> int:
        return sum(
            self.seconds(c.exercise, "start") for c in self.chosen if kit in c.exercise.equipment
        )

    def must_seconds(self) -> int:
        """Seconds the content and the movements with the person's equipment take at
        their usual start, with an opener when none of them opens the session."""
        owned = set(self.facts.answers.equipment) & set(KIT)
        must = [
            c.exercise
            for c in self.chosen
            if c.exercise.id in self.content or owned & set(c.exercise.equipment)
        ]
        total = sum(self.seconds(e, "start") for e in must)
        if not any(e.opens_session for e in must):
            total += self.quickest_opener
        return total

    def strength_areas(self) -> set[str]:
        """The painful areas the chosen strength work serves."""
        chosen = (c.exercise for c in self.chosen if c.exercise.kind == "strength")
        return {a for e in chosen for a in e.areas if a in self.facts.areas}

    def swap_for_kit(self, kit: str, options: list[Exercise]) -> bool:
        """A movement already taught in a variant without the kit starts in the variant
        that uses it instead (the same movement, so nothing more to learn)."""
        owned = set(self.facts.answers.equipment) & set(KIT)
        for e in options:
            for n, c in enumerate(self.chosen):
                same = self.facts.family[c.exercise.id] == self.facts.family[e.id]
                if owned & set(c.exercise.equipment):
                    continue  # it uses other equipment of theirs already
                if same and c.exercise.kind == e.kind and c.exercise.level == e.level:
                    self.chosen[n] = Chosen(e, f"{c.why}, with {words(kit)}")
                    self._kit_used = None
                    return True
        return False

    def fitter_start(self) -> list[Chosen]:
        """For the fit, each strength movement starts at level 2 where a level-2
        variant of it passed every filter (the presentation's own content aside)."""
        return [Chosen(self.starts_as(c.exercise), c.why) for c in self.chosen]

    def stretch_for_each_area(self) -> None:
        gentle = [e for e in self.options if e.kind != "strength"]
        for area in self.facts.areas:
            if any(area in c.exercise.areas and c.exercise.kind != "strength" for c in self.chosen):
                continue
            options = sorted((e for e in gentle if area in e.areas), key=self.unused_kit)
            self.add_first("{kind} for your " + words(area), options)

    def gentle(self) -> list[Exercise]:
        """The chosen movements a day without strength work can hold."""
        return [c.exercise for c in self.chosen if c.exercise.kind != "strength"]

    def second_gentle(self) -> None:
        """A day without strength work holds gentle work only, and every session holds
        two exercises or more: where the week has such days, it teaches two gentle
        movements at least. Where strength work, the presentation's content and the
        person's equipment took every place, one of them gives way (make_room)."""
        if not self.facts.gentle_days or len(self.gentle()) >= 2:
            return
        if self.full() and not self.make_room():
            return
        painful = set(self.facts.areas)
        served = {a for e in self.gentle() for a in e.areas}
        options = sorted(
            (e for e in self.options if e.kind != "strength"),
            key=lambda e: (
                self.unused_kit(e),
                e.kind == "release",  # mobility or a stretch, before relaxation
                -len((painful & set(e.areas)) - served),
            ),
        )
        self.add_first("{kind} for your {where}, for the days without strength work", options)

    def make_room(self) -> bool:
        """Free a place without losing a painful area's strength work, the content or
        a piece of equipment where one can: a strength movement that others make up
        for, or two that one other does. Failing that, the last movement taken for
        the person's equipment alone gives way (the plan says why the equipment waits:
        equipment_use.py): a session of one exercise is no session."""
        areas, kit = self.strength_served(self.chosen), self.kit_used(self.chosen)
        spare = [
            n
            for n, c in enumerate(self.chosen)
            if c.exercise.kind == "strength" and c.exercise.id not in self.content
        ]

        def keeps(chosen: list[Chosen]) -> bool:
            return self.strength_served(chosen) >= areas and self.kit_used(chosen) >= kit

        for n in reversed(spare):
            if keeps(self.chosen[:n] + self.chosen[n + 1 :]):
                self.rebuild(self.chosen[:n] + self.chosen[n + 1 :])
                return True
        balance = {self.facts.family.get(i) for i in BALANCE}
        strength = [
            e
            for e in self.options
            if e.kind == "strength"
            and self.facts.family[e.id] not in balance
            and not self.too_long(e)
        ]
        for n in reversed(spare):
            for m in reversed(spare[: spare.index(n)]):
                pair = {self.facts.family[self.chosen[k].exercise.id] for k in (n, m)}
                rest = [c for k, c in enumerate(self.chosen) if k not in (n, m)]
                for e in strength:
                    if not (self.free(e) or self.facts.family[e.id] in pair):
                        continue
                    one = Chosen(e, f"strength for your {self.where(self.starts_as(e))}")
                    if keeps([*rest[:m], one, *rest[m:]]):
                        self.rebuild([*rest[:m], one, *rest[m:]])
                        return True
        for n in reversed(spare):
            less = self.chosen[:n] + self.chosen[n + 1 :]
            if self.chosen[n].exercise.equipment and self.strength_served(less) >= areas:
                self.rebuild(less)
                return True
        return False

    def strength_served(self, chosen: Sequence[Chosen]) -> set[str]:
        """The painful areas the strength work of `chosen` serves, as it starts."""
        starts = (self.starts_as(c.exercise) for c in chosen if c.exercise.kind == "strength")
        return {a for e in starts for a in e.areas if a in self.facts.areas}

    def kit_used(self, chosen: Sequence[Chosen]) -> set[str]:
        """The person's pieces of equipment `chosen` uses, as it starts."""
        owned = set(self.facts.answers.equipment) & set(KIT)
        return {str(k) for c in chosen for k in self.starts_as(c.exercise).equipment} & owned

    def rebuild(self, chosen: Sequence[Chosen]) -> None:
        """The movements become `chosen` (running totals redone)."""
        self.chosen, self.families = [], set()
        self.quickest_opener = self.strength_start = 0
        self.raised = {True: 0, False: 0}
        for c in chosen:
            self.add(c.exercise, c.why)

    def places_for_gentle(self, gentle: Sequence[Exercise]) -> int:
        """How many of the `gentle` movements not taught yet a day without strength
        work needs, at the top of their ranges, to reach half the time with its walking
        at a third (docs/result.md: never under half). Under 15 minutes walking makes
        up the half (progression.py)."""
        if not (self.facts.gentle_days and self.facts.walk_in_session):
            return 0
        walk = self.facts.walk_room * 60 if self.facts.walk else 0
        need = self.facts.budget * HALF - walk
        held, places = sum(self.seconds(e, "top") for e in self.gentle()), 0
        for e in gentle:
            if held >= need:
                break
            if self.free(e):
                held += self.seconds(e, "top")
                places += 1
        return places

    def until_sessions_fill(self) -> None:
        """More movements only while the sessions could not be filled otherwise: the
        gentle ones for days without strength work, then any."""
        need = self.facts.budget * START_FILL - walk_minutes(self.facts.answers, 1, True) * 60
        if not self.facts.walk_in_session:
            need = self.facts.budget * START_FILL
        # Relaxation (release) fills time for the fit only where nothing else can.
        gentle = [
            e
            for e in self.options
            if e.kind != "strength" and not (self.facts.fitter and e.kind == "release")
        ]
        more = "more {kind} for your {where}"
        # Strength work takes a third of a session's exercise time before more
        # stretching is added (ACSM 2011: strength for every adult, the old included).
        # Where the week has days without strength work, strength leaves the places
        # those days need to reach half the time (places_for_gentle).
        strength = [e for e in self.options if e.kind == "strength"]
        keep = self.places_for_gentle(gentle)
        # Each loop reads its options once, in order: an option passed over is a movement
        # taught or left out already, and stays so (benchmarks/bench.py (b)).
        strength_left = iter(strength)
        while (
            self.strength_time() < need / 3
            and len(self.chosen) + keep < self.facts.cap
            and self.add_first(more, strength_left)
        ):
            pass
        gentle_left = iter(gentle)
        while self.capacity(strength=False) < need and self.add_first(more, gentle_left):
            pass
        while self.capacity(strength=True) < need and self.add_first(more, self.options):
            pass
        while len(self.chosen) < self.at_least and self.add_first(more, self.options):
            pass

    def strength_time(self) -> int:
        """Seconds the chosen strength work takes at its starting doses."""
        return self.strength_start

    def capacity(self, strength: bool) -> int:
        """Seconds a session could hold of the chosen movements (strength work only on
        strength days), each raised as far as a starting dose may be."""
        return self.raised[strength]


# Cached: every movement chosen is worded with it, for few pairs of areas
# (benchmarks/bench.py (b), warm throughput).
@lru_cache(maxsize=1024)
def _where(worked: tuple[str, ...], painful: tuple[str, ...]) -> str:
    """The painful areas an exercise works, in words (all it works when none hurts)."""
    areas = [a for a in painful if a in worked] or list(worked)
    return " and ".join(words(a) for a in areas)


#: Leaning back unsupported and deep hip bends: awkward in later pregnancy.
_AWKWARD = frozenset({"unsupported_balance", "deep_hip_flexion"})


# Cached: the same exercises are ranked for every plan (benchmarks/bench.py (b)).
@lru_cache(maxsize=32768)
def _rank(e: Exercise, person: tuple[int, bool, bool, frozenset[str]]) -> tuple[int, int, int]:
    """starting_variants' order of preference, but for catalog order: how far the level
    is from the one that suits the person, whether it is on the floor for someone who
    falls or awkward in later pregnancy, and how many painful areas it works."""
    level, avoid_floor, awkward, painful = person
    fit = abs(e.level - level) if e.kind == "strength" else e.level
    floor = int(avoid_floor and e.on_floor_only)
    return (
        fit,
        floor + bool(awkward and _AWKWARD & set(e.properties)),
        -len(painful & set(e.areas)),
    )


@lru_cache(maxsize=4096)
def _start_seconds(exercise: Exercise, how: str, person: tuple[bool, bool, bool], rest: int) -> int:
    """See _Picks.seconds; the same for everyone over 65 or not, not yet active or
    active, hypermobile or not (`person`)."""
    older, low, loose = person
    dose = starting_dose_for(exercise, older, low or how == "lightest")
    raises = {"raised": RAISES_AT_START, "top": TOP}.get(how, 0)
    for _ in range(raises):
        higher = next_dose_for(exercise, dose, older, loose)
        if higher is None:
            break
        dose = higher
    return seconds(exercise, dose, rest)
