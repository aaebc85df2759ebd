"""A short fingerprint of the rule files a plan was made with, kept beside every plan
issued (tracking's blocks, the clinic's results) so that a later reader knows which
rules decided it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from recommender.inputs.datafiles import bundled_dir


def rules_fingerprint(rules_dir: Optional[str] = None) -> str:
    """The first 12 hex digits of the SHA-256 of every rule file, by name and content."""
    folder = Path(rules_dir) if rules_dir else bundled_dir("rules")
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]
