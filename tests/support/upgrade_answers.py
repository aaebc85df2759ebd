"""Bring the repository's own answers files up to the current answers model: the one
place where example answers get the keys of a new question (CONTRIBUTING.md, "Add a
question").

A test fixture written for an earlier model lacks the newer keys. For fixtures, and
only for them, each missing key takes its value from `rules/baseline.yaml`, the calm
answers every rule example starts from (a yes/no answer is no there): they describe
made-up people whose story did not include the new question. A person's own answers
file is never upgraded this way: a missing safety answer is never read as "no"
(docs/answers.md), so `backplan plan` refuses it and names the missing keys.

    python tests/support/upgrade_answers.py            # every answers file below
    python tests/support/upgrade_answers.py FILE...    # these files

`tests/inputs/test_example_answers.py` fails, naming the command, while any answers
file of the repository lacks a key.
"""

from __future__ import annotations

import copy
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from recommender.inputs.datafiles import bundled_dir, read_yaml

ROOT = Path(__file__).resolve().parents[2]
#: Every answers file of the repository (the results in tests/examples/expected.json
#: are not answers).
ANSWERS_FILES = (
    "data/example-answers.json",
    "tests/examples/*.json",
    "tests/examples/plans/*.json",
    "tests/examples/safety/*.json",
    "tests/tracking/course-answers.json",
)
NOT_ANSWERS = {"expected.json"}

#: The keys version 3 of the answers added (docs/answers.md, "Versions"), for tests of
#: older files.
V3_KEYS = (
    "red_flags.walking_leg_pain",
    "red_flags.inflammatory_signs",
    "red_flags.girdle_stiffness",
    "red_flags.gca_signs",
    "history.fragility_fracture",
    "history.hip_replacement",
    "history.pain_began_before_45",
    "history.spa_related_condition",
    "outlook",
)


@lru_cache(maxsize=1)
def calm_answers() -> dict[str, Any]:
    """The baseline answers (rules/baseline.yaml), which loading the rules checks are
    complete and valid for the current model."""
    raw = read_yaml(bundled_dir("rules") / "baseline.yaml")
    assert isinstance(raw, dict)
    return raw


def upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    """`raw` with every key it lacks, in a group too, taken from the calm answers; what
    it has is kept as it is, and in its order."""
    out = dict(raw)
    for key, calm in calm_answers().items():
        if key not in out:
            out[key] = copy.deepcopy(calm)
        elif isinstance(calm, dict) and isinstance(out[key], dict):
            out[key] = {**out[key], **{k: v for k, v in calm.items() if k not in out[key]}}
    return out


def answers_files() -> list[Path]:
    return [
        path
        for pattern in ANSWERS_FILES
        for path in sorted(ROOT.glob(pattern))
        if path.name not in NOT_ANSWERS
    ]


def upgraded_text(path: Path) -> str:
    """The file's text once upgraded (the same text when it is current)."""
    return (
        json.dumps(
            upgrade(json.loads(path.read_text(encoding="utf-8"))), indent=2, ensure_ascii=False
        )
        + "\n"
    )


def upgrade_file(path: Path) -> bool:
    """Rewrite `path` upgraded; True when it changed."""
    new = upgraded_text(path)
    if new != path.read_text(encoding="utf-8"):
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    paths = [Path(name) for name in sys.argv[1:]] or answers_files()
    changed = [path for path in paths if upgrade_file(path)]
    for path in changed:
        print(f"{path}: upgraded")
    print(f"{len(changed)} of {len(paths)} answers files upgraded")
