"""The simulated 8-week course the tracking tests, the benchmarks and the README share.

Weeks 1-3 go well, week 4 flares (pain 7 in exercise, worse next morning), week 5 is
still over the limit, weeks 6-7 settle, and in week 8 a new red flag (saddle
numbness) is reported.
"""

from __future__ import annotations

from pathlib import Path

ANSWERS = Path(__file__).resolve().parents[1] / "tracking" / "course-answers.json"
START = "2026-01-05"

START_ARGS = [
    "track", "start", "--answers", str(ANSWERS), "--start", START, "--weeks", "8",
    "--psfs", "Lifting the shopping=3", "--psfs", "Sitting through a film=4",
    "--psfs", "Gardening=2",
]  # fmt: skip

#: (week, sessions done, worst exercise pain, next morning, usual pain, PSFS, new flags)
WEEKS = [
    (1, "monday,wednesday,friday", 3, "same", 6, None, ()),
    (2, "3", 3, "better", 5, "4,5,3", ()),
    (3, "3", 4, "same", 4, None, ()),
    (4, "3", 7, "worse", 4, "5,6,4", ()),
    (5, "3", 6, "same", 4, None, ()),
    (6, "2", 4, "same", 3, "6,6,5", ()),
    (7, "3", 3, "better", 3, None, ()),
    (8, "1", 2, "same", 3, "7,7,6", ("saddle_numbness",)),
]

#: What the adaptation must decide each week, and the plan week whose doses it was done at.
EXPECTED = [
    (1, "progress", 1),
    (2, "progress", 2),
    (3, "progress", 3),
    (4, "hold", 4),
    (5, "step_back", 4),
    (6, "progress", 3),
    (7, "progress", 4),
    (8, "stop", 5),
]


def checkin_args(
    week: int, done: str, pain: int, morning: str, usual: int, psfs, flags
) -> list[str]:
    args = ["track", "checkin", "--week", str(week), "--done", done, "--exercise-pain", str(pain)]
    args += ["--next-morning", morning, "--usual-pain", str(usual)]
    if psfs:
        args += ["--psfs", psfs]
    for flag in flags:
        args += ["--new-symptom", flag]
    if not flags:
        args.append("--no-new-symptoms")
    return args
