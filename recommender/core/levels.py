"""The triage levels in words: what each asks of the person, naming their emergency
number.

Kept in core, apart from the triage itself, so that a tracking check-in can word the
course's level without loading the rulebook (benchmarks/tracking.py keeps that path
quick).
"""

from __future__ import annotations

from typing import Optional

#: Levels, lowest to highest (docs/rules.md, "Triage levels").
LEVELS: tuple[str, ...] = ("none", "soon", "urgent", "emergency")

#: No single country's number unless the person chose a country: a traveller told to
#: dial the wrong number loses minutes (docs/clinical-safety.md, H-EMERGENCY-NUMBER).
NEUTRAL_EMERGENCY_NUMBER = "your local emergency number (for example 911, 112 or 999)"

#: What each level asks of the person, in the words shown first on every result.
LEVEL_ACTION = {
    "emergency": ("EMERGENCY: call {emergency_number} or go to an emergency department now"),
    "urgent": "URGENT: see a doctor today or within 24 hours",
    "soon": "SEE A CLINICIAN SOON: book a doctor or physiotherapist within 1 to 2 weeks",
    "none": "No warning signs in your answers",
}

#: Added to the `soon` action only when a plan is given: a result without a plan says
#: nothing that could suggest exercising (docs/clinical-safety.md, H-NO-PLAN-TALK).
SOON_WITH_PLAN = "; gentle exercise may continue"


def level_action(level: str, emergency_number: Optional[str] = None) -> str:
    """What the level asks of the person, naming their emergency number if known."""
    return with_number(LEVEL_ACTION[level], emergency_number)


def number_words(emergency_number: Optional[str]) -> str:
    """The emergency number as advice names it: the person's own, or the neutral words."""
    return emergency_number or NEUTRAL_EMERGENCY_NUMBER


def with_number(text: str, emergency_number: Optional[str]) -> str:
    """`text` with its {emergency_number} placeholder filled in."""
    # A plain placeholder swap: rule text is never formatted or evaluated.
    return text.replace("{emergency_number}", number_words(emergency_number))


def higher(first: str, second: str) -> str:
    """The more serious of two levels."""
    return max(first, second, key=LEVELS.index)
