"""Words that, on a result without a plan, would suggest exercising
(docs/clinical-safety.md, H-NO-PLAN-TALK)."""

EXERCISE_TALK = (
    "gentle exercise may continue",
    "gentle exercise can continue",
    "keep gently active",
    "you can carry on",
    "how much pain is all right",
    "pain may rise",
    "no exercise should push",
)
