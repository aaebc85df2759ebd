"""What a clinician should look at in a patient's progress, each in plain words with
the week it is about:

- a new red flag reported at a check-in (with the level the re-screen gave), and a plan
  stopped for one;
- two flare weeks: two weeks in a row over the pain limits, the week AD-STEP-BACK-FLARES
  decided (the adaptation rules' own reading of a flare, rules/adapt.yaml);
- no check-in for two weeks or more while the plan runs.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from recommender.pipeline.adapt import Progress

FLARES_RULE = "AD-STEP-BACK-FLARES"
SILENT_DAYS = 14


class Alert(NamedTuple):
    kind: str  # red_flag, stopped, flares or silent
    text: str


def alerts(progress: Progress, today: dt.date) -> list[Alert]:
    """Every alert of the course, the most serious first."""
    found = [*_red_flags(progress), *_flares(progress), *_silent(progress, today)]
    order = ("stopped", "red_flag", "flares", "silent")
    return sorted(found, key=lambda a: order.index(a.kind))


def _red_flags(progress: Progress) -> list[Alert]:
    found = []
    if progress.stopped:
        found.append(Alert("stopped", f"The plan stopped: {progress.stopped}"))
    for checkin in progress.course.checkins:
        if checkin.new_red_flags:
            symptoms = ", ".join(flag.replace("_", " ") for flag in checkin.new_red_flags)
            level = (
                f" (the questions asked again gave: {checkin.rescreen})" if checkin.rescreen else ""
            )
            found.append(
                Alert(
                    "red_flag",
                    f"New symptom at the check-in for week {checkin.week} "
                    f"({checkin.recorded:%d %B %Y}): {symptoms}{level}",
                )
            )
    return found


def _flares(progress: Progress) -> list[Alert]:
    return [
        Alert(
            "flares",
            f"Two flare weeks in a row: weeks {review.week - 1} and {review.week} were over "
            "the pain limits, so the plan stepped back",
        )
        for block in progress.blocks
        for review in block.reviews
        if review.deciding is not None and review.deciding.id == FLARES_RULE
    ]


def _silent(progress: Progress, today: dt.date) -> list[Alert]:
    if progress.stopped:
        return []
    block = progress.course.block
    if today > block.end:
        return []  # the block is over: its end is the news, not the silence
    checkins = [c.recorded.date() for c in progress.course.checkins]
    last = max([*checkins, block.start])
    days = (today - last).days
    if days < SILENT_DAYS:
        return []
    since = "check-in" if checkins else "plan began"
    return [Alert("silent", f"No check-in for {days} days (the last {since}: {last:%d %B %Y})")]
