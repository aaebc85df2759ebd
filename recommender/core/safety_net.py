"""The safety net: the fixed box on every result that carries a plan or is at `soon`.

A plan is only as safe as what the person does when things change after it was
made. Every such result ends with the same short list of signs that mean "call the
emergency number now", and when to see a clinician if the pain does not settle
(docs/clinical-safety.md, hazard H-SAFETY-NET). The wording is fixed on purpose:
people, clinicians and tests can rely on it being there, word for word, in every
format.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

#: The heading; {emergency_number} is filled in as in the red-flag advice.
TITLE = "Call {emergency_number} or go to an emergency department now if you have"

#: The cauda equina warning card's signs first, then the other emergencies.
SIGNS = (
    "new numbness or tingling between your legs or around your bottom (anus)",
    "new trouble passing or holding urine or stools",
    "new loss of sexual feeling",
    "new weakness or numbness in both legs",
    "new weakness in an arm or a leg",
    "chest pain",
    "a sudden, severe headache",
)

REVIEW = (
    "See a doctor or physiotherapist if your pain is not clearly better after 4 to 6 "
    "weeks, or whenever it is getting worse."
)

SOURCE = (
    "NICE NG59, Low back pain and sciatica in over 16s (2016, updated 2020); GIRFT / "
    "SBNS National suspected cauda equina syndrome pathway (2023); Greenhalgh S et al. "
    "Cauda equina syndrome warning card, Musculoskelet Sci Pract 2018;37:69-74"
)


class SafetyNet(NamedTuple):
    """The box, with the person's emergency number filled in."""

    title: str
    signs: tuple[str, ...]
    review: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "signs": list(self.signs),
            "review": self.review,
            "source": self.source,
        }

    def sentences(self) -> list[str]:
        """The box as plain sentences, for formats without layout (calendar, FHIR)."""
        return [f"{self.title}: {'; '.join(self.signs)}.", self.review]


def safety_net(level: str, has_plan: bool, emergency_number: str) -> Optional[SafetyNet]:
    """The box for a result, or None: it goes on every result that carries a plan or
    is at `soon`, and never on urgent or emergency ones, which carry only their own,
    more pressing advice. `emergency_number` is already worded for the person."""
    if not (has_plan or level == "soon"):
        return None
    return SafetyNet(TITLE.format(emergency_number=emergency_number), SIGNS, REVIEW, SOURCE)
