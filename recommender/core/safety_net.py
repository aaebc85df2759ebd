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

#: With neck pain: the signs of a problem with the arteries of the neck (the "5 Ds and
#: 3 Ns"), in the safety net and the escalation box alike.
NECK_SIGNS = (
    "sudden dizziness or the room spinning, double vision or loss of sight, slurred "
    "speech, trouble swallowing, suddenly dropping to the ground, a numb face, or a new "
    "severe headache"
)
NECK_SOURCE = "Rushton A et al. International IFOMPT Cervical Framework, JOSPT 2023;53(1):7-22"

#: The escalation box on an urgent result: what cannot wait until the person is seen.
ESCALATION_TITLE = (
    "Call {emergency_number} or go to an emergency department now if, before you are seen, you get"
)
ESCALATION_SIGNS = (
    *SIGNS[:4],  # the cauda equina card
    "new weakness or numbness in an arm or a leg",
    "new unsteady walking or clumsy hands",
    "a fever and feel very unwell, or become confused",
)
ESCALATION_SOURCE = (
    "NICE NG234, Spinal metastases and metastatic spinal cord compression (2023); "
    "Finucane LM et al. International framework for red flags for potential serious "
    "spinal pathologies (IFOMPT), JOSPT 2020;50(7):350-372; Greenhalgh S et al. Cauda "
    "equina syndrome warning card, Musculoskelet Sci Pract 2018;37:69-74"
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
    """A box of signs that mean "get help now", with the person's emergency number
    filled in: the safety net, or the escalation box of an urgent result (which has no
    review line)."""

    title: str
    signs: tuple[str, ...]
    review: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "signs": list(self.signs)}
        if self.review:
            out["review"] = self.review
        out["source"] = self.source
        return out

    def sentences(self) -> list[str]:
        """The box as plain sentences, for formats without layout (calendar, FHIR)."""
        first = f"{self.title}: {'; '.join(self.signs)}."
        return [first, self.review] if self.review else [first]


def safety_net(
    level: str, has_plan: bool, emergency_number: str, neck: bool = False
) -> Optional[SafetyNet]:
    """The box for a result, or None: it goes on every result that carries a plan or
    is at `soon`, and never on urgent or emergency ones, which carry only their own,
    more pressing advice. `emergency_number` is already worded for the person; `neck`
    adds the signs of a neck artery problem."""
    if not (has_plan or level == "soon"):
        return None
    signs = (*SIGNS, NECK_SIGNS) if neck else SIGNS
    source = f"{SOURCE}; {NECK_SOURCE}" if neck else SOURCE
    return SafetyNet(TITLE.format(emergency_number=emergency_number), signs, REVIEW, source)


def escalation(level: str, emergency_number: str, neck: bool = False) -> Optional[SafetyNet]:
    """The escalation box of an urgent result (docs/rules.md), or None: what to do if
    things change before the person is seen (docs/clinical-safety.md, H-WAIT-TO-BE-SEEN).
    An emergency result needs none: it already says to get help now."""
    if level != "urgent":
        return None
    signs = (*ESCALATION_SIGNS, NECK_SIGNS) if neck else ESCALATION_SIGNS
    source = f"{ESCALATION_SOURCE}; {NECK_SOURCE}" if neck else ESCALATION_SOURCE
    return SafetyNet(ESCALATION_TITLE.format(emergency_number=emergency_number), signs, "", source)
