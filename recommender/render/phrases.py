"""The sentences every format shares, in one place so that they read the same on the
terminal, on paper, in a calendar and in a clinic's records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recommender.core.answers import UNPRINTABLE, Answers
from recommender.core.wording import dose_words, rest_words, words

if TYPE_CHECKING:
    from recommender.core.catalog import Dose
    from recommender.pipeline.plan import Prescription, Walking

#: A flag's level in words (never shown by colour alone).
LEVEL_WORDS = {
    "emergency": "emergency: get help now",
    "urgent": "urgent: today or within 24 hours",
    "soon": "soon: within 1 to 2 weeks",
}

#: Why a result without a plan has none, when the triage level withheld it.
NO_PLAN_UNTIL_SEEN = (
    "No exercise plan is given until a clinician has checked the warning signs above. "
    "Please do not start new exercises before then."
)

#: How to follow the plan, said once above the weeks.
FOLLOW_THE_PLAN = (
    "Do the exercises in the order shown. Amounts rise a little each week when it is safe "
    "to; if a week feels too much, repeat the previous week."
)

#: Where the reasons are, in words for a person (rule ids and commands stay in
#: `explain`, JSON, FHIR and the clinician's views).
WHY_WORDS = (
    "Every decision here comes from a written rule with a published source; your "
    "clinician can see each rule that fired and why."
)

DISCLAIMER = (
    "backplan gives general advice for everyday neck and back pain. It is not a diagnosis "
    "and does not replace a doctor or physiotherapist."
)

#: What a progress report adds to DISCLAIMER: the person follows a plan over weeks.
STOP_IF_WORSE = "If the pain becomes much worse, or a new symptom worries you, stop and get advice."


def person_text(text: str) -> str:
    """Text a person typed, on one line and with nothing a terminal acts on: it can
    never start a line of its own, so it can never pass for a heading or a warning
    (docs/clinical-safety.md, S-FORGED-TEXT). The answers model refuses such text
    already; this keeps every renderer safe whatever reaches it."""
    return " ".join(UNPRINTABLE.sub(" ", text).split())


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def plan_summary(answers: Answers, weeks: int) -> str:
    """ "4 weeks, 3 days a week, up to 15 minutes a session"."""
    return (
        f"{plural(weeks, 'week')}, {plural(answers.days_per_week, 'day')} a week, up to "
        f"{answers.minutes_per_session} minutes a session"
    )


def amount_words(dose: Dose, rest_seconds: int) -> str:
    """A dose with its rest ("2 sets of 10, rest 60 s between sets")."""
    rest = rest_words(rest_seconds, dose)
    return f"{dose_words(dose)}, {rest}" if rest else dose_words(dose)


def item_words(item: Prescription) -> str:
    """One plan line's amount, with its rest and the position when the exercise has
    several ("2 sets of 10, hold each 5 s, rest 60 s between sets, sitting")."""
    amount = amount_words(item.dose, item.rest_seconds)
    if len(item.exercise.positions) > 1:
        return f"{amount}, {words(item.position)}"
    return amount


def walking_words(walking: Walking) -> str:
    """Walking on the days between sessions, a suggestion, as one sentence."""
    days = ", ".join(day.capitalize() for day in walking.days)
    item = walking.prescription
    return f"If you can, also: {item.exercise.name} {item.dose.minutes} min on {days}."


def how_hard(item: Prescription) -> str:
    """The effort cue of strength work ("How hard: ..."), or nothing."""
    return effort_words(item.dose)


def effort_words(dose: Dose) -> str:
    """The effort cue of a dose ("How hard: ..."), or nothing."""
    return f"How hard: {dose.effort}." if dose.effort else ""
