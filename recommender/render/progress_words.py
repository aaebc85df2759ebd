"""Each tracked week's decision in plain sentences, for `track explain`, the report and
the status: what happened that mattered (the parts of the deciding rule's condition
that held, read from the week's facts), then what it means for the week after.

"Week 3: your pain during exercise reached 7, above your limit of 5, and it was worse
the next morning, so week 4 repeats this week's amounts."
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Optional

from recommender.pipeline.adapt import ExerciseReview, Level, Review
from recommender.rulebook import conditions
from recommender.rulebook.rules import AdaptRule

#: Each outcome as the person reads it.
OUTCOME_WORDS = {
    "progress": "progress: next week as planned",
    "hold": "hold: repeat this week's doses",
    "step_back": "step back: the previous week's doses, or easier variants",
    "adherence": "keep the dose, in fewer or shorter sessions",
    "stop": "stop: see a clinician",
}
SHORT = {
    "progress": "progress",
    "hold": "hold",
    "step_back": "step back",
    "adherence": "keep dose",
    "stop": "STOP",
}

Facts = Mapping[str, Any]


def _pain(period: Facts) -> str:
    worst, limit = period["exercise_pain_max"], period["pain_limit"]
    if period["over_limit"]:
        return f"your pain during exercise reached {worst}, above your limit of {limit}"
    return f"your pain during exercise stayed within your limit of {limit} (at most {worst})"


def _morning(period: Facts) -> str:
    return {
        "worse": "it was worse the next morning",
        "same": "it was no worse the next morning",
        "better": "it was better the next morning",
    }[period["next_morning"]]


def _named(period: Facts) -> Optional[str]:
    if period["hurt_named"]:
        return (
            f"the pain during exercise ({period['exercise_pain_max']}) was in the exercises "
            "you named, which step back on their own"
        )
    return None  # the pain counts for the whole plan, as it always did


def _sessions(period: Facts) -> str:
    return f"you did {period['sessions_done_percent']} % of the sessions"


def _usual(period: Facts) -> str:
    return f"your usual pain was {period['usual_pain']}"


#: A fact of one week (this_week.* or last_week.*) -> (its group, its words). Facts of
#: one group make one phrase (the limit and the pain during exercise, say).
_PERIOD: dict[str, tuple[str, Callable[[Facts], Optional[str]]]] = {
    "exercise_pain_max": ("pain", _pain),
    "pain_limit": ("pain", _pain),
    "over_limit": ("pain", _pain),
    "next_morning": ("morning", _morning),
    "hurt_named": ("named", _named),
    "sessions_done_percent": ("sessions", _sessions),
    "usual_pain": ("usual", _usual),
}


def _change(facts: Facts) -> str:
    now, before = facts["this_week"]["usual_pain"], facts["last_week"]["usual_pain"]
    if now > before:
        return f"your usual pain rose from {before} to {now}"
    if now < before:
        return f"your usual pain fell from {before} to {now}"
    return f"your usual pain stayed at {now}"


def _improvement(facts: Facts) -> str:
    now = facts["this_week"]["usual_pain"]
    start = now + facts["improvement_points"]
    return f"by week {facts['week']} your usual pain is {now}, against {start} when you began"


def _rescreen(facts: Facts) -> Optional[str]:
    return {
        "not_asked": None,
        "none": "the new symptom you reported needs no change",
        "soon": "a new symptom you reported should be checked by a doctor or physiotherapist soon",
        "urgent": "a new symptom you reported needs a clinician urgently",
        "emergency": "a new symptom you reported needs help now",
    }[facts["rescreen"]]


_WEEK: dict[str, tuple[str, Callable[[Facts], Optional[str]]]] = {
    "rescreen": ("rescreen", _rescreen),
    "usual_pain_change": ("change", _change),
    "improvement_points": ("improvement", _improvement),
    "improvement_percent": ("improvement", _improvement),
    "week": ("improvement", _improvement),
}


def held_tests(condition: conditions.Condition, facts: Facts) -> list[conditions.Test]:
    """The tests of `condition` that held and made it hold: in `all` every part, in
    `any` (or a count) the parts that held."""
    if isinstance(condition, conditions.Test):
        return [condition] if conditions.holds(condition, facts) else []
    if not conditions.holds(condition, facts):
        return []
    found: list[conditions.Test] = []
    for item in condition.items:
        found += held_tests(item, facts)
    return found


def reasons(rule: AdaptRule, facts: Facts) -> tuple[list[str], list[str]]:
    """What held, in words: this week's (and the course's), and the week before's."""
    assert rule.condition is not None
    now: dict[str, str] = {}
    before: dict[str, str] = {}
    for test in held_tests(rule.condition, facts):
        period, _, name = test.field.partition(".")
        if period in ("this_week", "last_week") and name in _PERIOD:
            group, words = _PERIOD[name]
            target = now if period == "this_week" else before
            said = words(facts[period])
            if said:
                target.setdefault(group, said)
        elif test.field in _WEEK:
            group, week_words = _WEEK[test.field]
            text = week_words(facts)
            if text:
                now.setdefault(group, text)
    return list(now.values()), list(before.values())


def joined(parts: list[str]) -> str:
    """ "a, b and c"; "a, b, and c, d" when a part has a comma of its own."""
    if len(parts) <= 1:
        return "".join(parts)
    serial = "," if any("," in part for part in parts) else ""
    return ", ".join(parts[:-1]) + f"{serial} and " + parts[-1]


def consequence(review: Review, block_weeks: int) -> str:
    """What the decision means for the week after."""
    level, after = review.level, review.next_level or review.level
    last = review.week >= block_weeks
    target = "the next block, if you renew," if last else f"week {review.week + 1}"
    outcome = review.outcome
    if outcome == "stop":
        return "so the plan is stopped: see a clinician as the warning says"
    if outcome == "progress":
        if after.easier < level.easier:
            return f"so {target} takes one step back towards the usual versions of the exercises"
        if after.week > level.week:
            return f"so {target} moves on to the amounts of plan week {after.week}"
        return f"so {target} keeps the amounts of plan week {after.week}, the last of the plan"
    if outcome == "step_back":
        if after.week < level.week:
            return f"so {target} goes back to the amounts of plan week {after.week}"
        return f"so {target} uses the easier version of each exercise where one is safe for you"
    if outcome == "adherence":
        return (
            f"so {target} keeps the same amounts; if the sessions are hard to fit in, choose "
            "fewer or shorter ones that you can keep to"
        )
    return f"so {target} repeats this week's amounts"  # hold


def decision_sentence(review: Review, block_weeks: int) -> str:
    """The week's decision as one sentence, starting "Week N: "."""
    rule = review.deciding
    if rule is None:
        return (
            f"Week {review.week}: no adaptation rule decided this week, so "
            f"{consequence(review._replace(outcome='hold'), block_weeks).removeprefix('so ')}."
        )
    now, before = reasons(rule, review.facts)
    if review.outcome == "progress":
        text = "the week went well: " + joined(now) if now else "the week went well"
    else:
        text = joined(now) or "the rules' conditions held"
    if before:
        text += "; the week before, " + joined(before)
    return f"Week {review.week}: {text}, {consequence(review, block_weeks)}."


def review_sentence(review: Review) -> Optional[str]:
    """The advice to see a clinician, when the review rule fired."""
    if review.review is None:
        return None
    facts = review.facts
    return (
        f"{_improvement(facts).capitalize()}: not the 2 points (or 30 %) better that shows a "
        "plan is working, so please see a physiotherapist or GP to review it; keep "
        "exercising gently meanwhile."
    )


def exercise_sentence(decided: ExerciseReview) -> str:
    """What was decided for one exercise the person named."""
    name, now = decided.name, decided.now_name
    if decided.outcome == "easier":
        return f"{name} hurt, so it steps back on its own to {now}, its easier version."
    if decided.outcome == "swap":
        return (
            f"{name} hurt and has no easier version that suits you, so it leaves the plan "
            f"and {now}, a gentle exercise for the same area that passed your safety "
            "checks, takes its place."
        )
    if decided.outcome == "leave_out":
        return (
            f"{name} hurt, and nothing gentler for the same area suits you, so it is left "
            "out; ask a physiotherapist about it."
        )
    if decided.outcome == "harder":
        return (
            f"You found {name} too easy in a good week, so it moves on to {now}, its harder "
            "version."
        )
    if decided.facts["exercise"]["too_easy"]:
        return (
            f"You found {name} too easy; it goes on as planned (a harder version needs a "
            "good week with pain during exercise of 3 or less, and one that suits you)."
        )
    return f"{name} was named, and changes nothing on its own."


def rule_line(rule: AdaptRule) -> str:
    """The rule and its source, said after the sentence."""
    return f"Rule {rule.id} ({rule.title}). Source: {rule.source}"


def level_words(level: Level) -> str:
    """The doses a week was done at, for tables."""
    easier = f", easier x{level.easier}" if level.easier else ""
    alone = f", {len(level.swaps)} changed" if level.swaps else ""
    return f"plan wk {level.week}{easier}{alone}"


def weeks_words(weeks: list[int]) -> str:
    """ "week 3", "weeks 3 and 4"."""
    return ("week " if len(weeks) == 1 else "weeks ") + joined([str(w) for w in weeks])
