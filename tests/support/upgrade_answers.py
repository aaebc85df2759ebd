"""Bring the repository's own answers files up to the current answers model.

A test fixture written for an earlier model lacks the newer keys. For fixtures, and
only for them, a new safety answer may be filled in as "no": they describe made-up
people whose story did not include the new symptom. A person's own answers file is
never upgraded this way: a missing safety answer is never read as "no"
(docs/answers.md), so `backplan plan` refuses it and names the missing keys.

    python tests/support/upgrade_answers.py FILE...     # rewrites each file in place

Adding a yes/no question (CONTRIBUTING.md) needs no edit here: every section's keys
come from the model.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from recommender.core.answers import SECTIONS

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


def upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    """`raw` with every missing yes/no answer of every section added as false."""
    out = dict(raw)
    for section, model in SECTIONS.items():
        given = dict(out.get(section) or {})
        for field in dataclasses.fields(model):
            given.setdefault(field.name, False)
        out[section] = given
    return out


def upgrade_file(path: Path) -> bool:
    """Rewrite `path` upgraded; True when it changed."""
    text = path.read_text(encoding="utf-8")
    raw = json.loads(text)
    new = json.dumps(upgrade(raw), indent=2, ensure_ascii=False) + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {'upgraded' if upgrade_file(Path(name)) else 'already current'}")
