"""Why a piece of the person's own equipment is not in their plan, in plain words.

Someone who said they own a band and finds no band exercise in the plan wonders whether
the answer was lost. The plan uses owned equipment where a safe exercise for where it
hurts needs it (docs/result.md, "What every plan holds"); when it does not, one
sentence says which of four things kept it out: no exercise for those areas needs it,
the safety filters left those exercises out (with the filter's own reason), they are
harder versions for later, or the plan's few movements (or its short sessions) had no
room left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from recommender.core.answers import Answers
from recommender.core.catalog import Exercise
from recommender.core.wording import words
from recommender.pipeline.choosing import KIT
from recommender.pipeline.filters import Excluded
from recommender.pipeline.plan import Plan

#: Each piece of equipment the plan sets out to use: its name in a sentence, and the
#: word that stands for it.
_NAMES = {
    "resistance_band": ("resistance band", "it"),
    "dumbbells": ("dumbbells", "them"),
    "doorway": ("doorway", "it"),
    "worktop": ("worktop or sturdy table", "it"),
    "foam_roller": ("foam roller", "it"),
}
assert set(_NAMES) == set(KIT), "a piece of equipment the planner uses has no name here"

#: Sessions shorter than this hold an opener and one or two exercises more.
_SHORT_SESSION = 15


def unused_equipment(
    answers: Answers,
    plan: Plan,
    excluded: Sequence[Excluded],
    catalog: Iterable[Exercise],
    families: Mapping[str, str],
) -> tuple[str, ...]:
    """One sentence for each piece of the person's equipment the plan does not use."""
    owned = [kit for kit in KIT if kit in answers.equipment]
    if not owned:
        return ()
    taught_exercises = plan.exercises()
    used = {kit for exercise in taught_exercises for kit in exercise.equipment}
    unused = [kit for kit in owned if kit not in used]
    if not unused:  # the common case: said in no words, at the cost of one walk
        return ()
    areas = set(answers.pain_areas)
    exercises = list(catalog)
    needing = {
        kit: [e for e in exercises if kit in e.equipment and areas & set(e.areas)] for kit in unused
    }
    # Only the exercises some sentence names: a plan has a few hundred exclusions.
    named = {e.id for exercises in needing.values() for e in exercises}
    left_out: dict[str, str] = {}
    for record in excluded:  # each exercise's first reason, in the filters' order
        if record.exercise in named and record.exercise not in left_out:
            # The rule's reason, without what it found in this exercise ("...: involves
            # raising the arms"), which the sentence's own words say more plainly.
            left_out[record.exercise] = record.reason.rsplit(": ", 1)[0]
    where = " and ".join(words(area) for area in answers.pain_areas)
    taught = {families.get(e.id, e.id) for e in taught_exercises}
    sentences = []
    for kit in unused:
        name, pronoun = _NAMES[kit]
        safe = [e for e in needing[kit] if e.id not in left_out]
        sentences.append(
            f"Nothing in your plan uses your {name}: "
            + _why(answers, where, pronoun, needing[kit], safe, left_out, taught, families)
        )
    return tuple(sentences)


def _why(
    answers: Answers,
    where: str,
    pronoun: str,
    needing: Sequence[Exercise],
    safe: Sequence[Exercise],
    left_out: Mapping[str, str],
    taught: set[str],
    families: Mapping[str, str],
) -> str:
    if not needing:
        return f"none of the exercises for your {where} needs {pronoun}."
    if not safe:
        reason = Counter(left_out[e.id] for e in needing).most_common(1)[0][0]
        return (
            f"the exercises for your {where} that need {pronoun} were left out to keep you "
            f"safe. {reason.rstrip('.')}."
        )
    if all(e.level == 3 for e in safe):
        return f"the exercises for your {where} that need {pronoun} are harder ones, for later."
    if all(families.get(e.id, e.id) in taught for e in safe):
        return f"the movements that need {pronoun} are in your plan in another form."
    if answers.minutes_per_session < _SHORT_SESSION:
        return (
            f"sessions of {answers.minutes_per_session} minutes hold only a few exercises, "
            f"and the ones most needed for your {where} came first."
        )
    return (
        "your plan keeps to a few movements so that they are easy to learn, and the ones "
        f"most needed for your {where} came first."
    )
