"""The emergency stop holds.

Once an answer pointed to an emergency, the state records the rules that stopped the
questions, and nothing but the person's own word lifts the stop: a page sent again
from an old tab, or by hand, with "no" is refused and leads back to the warning. The
warning page offers "I answered a question by mistake": a page of its own that repeats
what to do if the answer was right, and only from there does a button clear the answers
those rules read, so that they are asked again. The result then says what was changed,
with the warning's advice, so that it is never silently gone.
"""

from __future__ import annotations

from typing import Any, Optional

from recommender.app.web.site import Site
from recommender.app.web.state import State
from recommender.pipeline.triage import Flag, level_action, triage_flag
from recommender.rulebook.conditions import fields
from recommender.rulebook.rules import RedFlagRule


def record(state: State, flags: tuple[Flag, ...]) -> None:
    """The questions stop for `flags`, and stay stopped."""
    state.stop = sorted({*state.stop, *(flag.id for flag in flags)})


def changed_after_warning(site: Site, state: State) -> Optional[dict[str, Any]]:
    """What the result says of warnings the person answered away as mistakes: the
    warnings, in full, and what to do if they were right after all. None without any."""
    if not state.withdrawn:
        return None
    number = site.number(state)
    flags = [triage_flag(r, number) for r in site.emergency_rules if r.id in state.withdrawn]
    return {"flags": flags, "action": level_action("emergency", number)}


def answers_read(site: Site, state: State) -> set[str]:
    """The answers the rules that stopped the questions read: cleared, and so asked
    again, when the person says they answered by mistake (routes/emergency.py)."""
    return {key for r in site.emergency_rules if r.id in state.stop for key in _read_by(r)}


def _read_by(rule: RedFlagRule) -> set[str]:
    return fields(rule.condition) if rule.condition is not None else set()
