"""The session the session-page tests walk through: a fit desk worker's week-1
Thursday. Fit (active, pain 3, no warning sign), so strength work starts at level 2 and
has easier versions to offer (issue 22's fitter start); what the tests expect is read
from the plan itself, not written down, so that a change of programme moves them too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender

EXAMPLES = Path(__file__).parents[1] / "examples"
FIT_DESK = {
    **json.loads((EXAMPLES / "desk-worker-upper-back.json").read_text()),
    "activity_level": "high",
}
THURSDAY = "/session?week=1&day=thursday"


class Thursday(NamedTuple):
    ids: tuple[str, ...]  # the session's exercises, in order
    names: tuple[str, ...]
    easier_at: int  # 1-based: the first exercise with an easier version that suits
    easier: str  # that easier version's name
    offered: int  # how many exercises offer an easier version
    skip_at: int  # 1-based: another exercise, to skip

    @property
    def total(self) -> int:
        return len(self.ids)


def thursday(answers: dict[str, Any] = FIT_DESK) -> Thursday:
    recommender = Recommender.load()
    result = recommender.recommend(validate_answers(answers))
    assert result.plan is not None
    left_out = {e.exercise for e in result.excluded}
    session = next(s for s in result.plan.weeks[0].sessions if s.day == "thursday")
    items = [p.exercise for p in session.exercises]
    offers = [n for n, e in enumerate(items, 1) if e.easier and e.easier not in left_out]
    assert offers, "the session offers no easier version"
    at = offers[0]
    easier = items[at - 1].easier
    assert easier is not None  # an offer is an exercise with an easier version
    return Thursday(
        ids=tuple(e.id for e in items),
        names=tuple(e.name for e in items),
        easier_at=at,
        easier=recommender.catalog[easier].name,
        offered=len(offers),
        skip_at=1 if at != 1 else 2,
    )
