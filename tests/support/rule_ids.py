"""What a rule id looks like, from the rule kinds themselves (`SECTIONS` in
recommender/rulebook/rules.py, each kind's `PREFIXES`): a new kind's ids are found in
the hazard log and kept out of people's text without another list to update."""

from __future__ import annotations

import re

from recommender.rulebook.rules import SECTIONS

#: RF, YF, WH, EX, NOTE, AD, ...
PREFIXES = tuple(prefix.rstrip("-") for kind in SECTIONS.values() for prefix in kind.PREFIXES)
#: A whole rule id (RF-CES-SADDLE, YF-OUTLOOK, NOTE-PAIN-MONITORING).
RULE_ID = re.compile(rf"\b(?:{'|'.join(PREFIXES)})-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")
