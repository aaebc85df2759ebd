"""Varied, valid answers from a seeded generator: for benchmarks, soak runs and tests.

Red flags are rare, as in real intake forms, so most samples reach the planner; every
field still takes every value it can.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any, get_args

from recommender.core.answers import (
    EQUIPMENT,
    PAIN_AREAS,
    ActivityLevel,
    History,
    Onset,
    Outlook,
    PainDuration,
    PainTrend,
    Pregnancy,
    RedFlags,
)

_RED_FLAGS = [f.name for f in dataclasses.fields(RedFlags)]
_HISTORY = [f.name for f in dataclasses.fields(History)]
_OUTLOOK = [f.name for f in dataclasses.fields(Outlook)]
_NOT_PREGNANT, *_PREGNANT = get_args(Pregnancy)
#: Most people are not pregnant, and most pain starts gradually.
_PREGNANCY = [_NOT_PREGNANT] * 8 + _PREGNANT
_ONSET_WEIGHTS = [60, 20, 17, 3]  # gradual, sudden, minor injury, major injury


def sample_answers(rng: random.Random, red_flag_rate: float = 0.02) -> dict[str, Any]:
    """One random answers object (plain JSON data)."""
    answers: dict[str, Any] = {
        "age": rng.choice([rng.randint(18, 90), rng.randint(1, 120)]),
        "pregnancy": rng.choice(_PREGNANCY),
        "pain_areas": rng.sample(PAIN_AREAS, rng.randint(1, len(PAIN_AREAS))),
        "pain_intensity": rng.randint(0, 10),
        "pain_duration": rng.choice(get_args(PainDuration)),
        "pain_trend": rng.choice(get_args(PainTrend)),
        "onset": rng.choices(get_args(Onset), weights=_ONSET_WEIGHTS)[0],
        "red_flags": {k: rng.random() < red_flag_rate for k in _RED_FLAGS},
        "history": {k: rng.random() < 0.1 for k in _HISTORY},
        "equipment": rng.sample(EQUIPMENT, rng.randint(0, len(EQUIPMENT))),
        "days_per_week": rng.randint(1, 7),
        "minutes_per_session": rng.randint(5, 60),
        "activity_level": rng.choice(get_args(ActivityLevel)),
        "outlook": {k: rng.random() < 0.25 for k in _OUTLOOK},
    }
    if rng.random() < 0.5:
        answers["start_date"] = (
            dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 365))
        ).isoformat()
    return answers


def many_answers(count: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for _ in range(count):
        yield sample_answers(rng)
