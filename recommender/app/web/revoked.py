"""Answers the person cleared: refused from then on, even from a copy of the cookie.

The answers live in the person's browser, so clearing them there cannot reach a copy
of the cookie taken before (from a shared computer's cookie file, a proxy log, a
browser extension). Each questionnaire's state carries a random id (state.py);
"Clear my answers" and starting again put that id on this list, and a state whose id
is on it is refused. The list holds those random ids and when they stop mattering
(once any copy would be refused as too old anyway), nothing else: never an answer.

The list is an SQLite file that the server's worker processes share: `backplan serve`
makes one in a private temporary folder and removes it when it stops, or uses
$BACKPLAN_REVOKED_DB (replicas on one machine can share one). An app made without
either (in a test) keeps its list in memory.

Checking it must never keep a warning from a person: if the file cannot be read, a
state is let through (and the fault logged) rather than refused.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from typing import Optional

REVOKED_ENV = "BACKPLAN_REVOKED_DB"

#: At most this many ids are kept; past it the oldest go first (only a flood of
#: clearing from one script could get here, and its own ids are the ones dropped).
MAX_IDS = 1_000_000

_log = logging.getLogger("backplan.web")


class Revoked:
    """The list of cleared ids, in `path` (or in memory)."""

    def __init__(self, path: Optional[str] = None, keep_seconds: float = 3 * 60 * 60) -> None:
        self._keep = keep_seconds
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            path or ":memory:", timeout=5, isolation_level=None, check_same_thread=False
        )
        with self._lock:
            if path:
                self._db.execute("PRAGMA journal_mode=WAL")
                # Losing the last few ids to a power cut costs little; a sync per clear
                # would cost every worker a disk flush.
                self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS revoked (sid TEXT PRIMARY KEY, until REAL NOT NULL)"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS revoked_until ON revoked (until)")

    @classmethod
    def from_environment(cls, keep_seconds: float) -> Revoked:
        return cls(os.environ.get(REVOKED_ENV) or None, keep_seconds)

    def revoke(self, sid: str) -> None:
        now = time.time()
        try:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO revoked (sid, until) VALUES (?, ?)",
                    (sid, now + self._keep),
                )
                self._db.execute("DELETE FROM revoked WHERE until < ?", (now,))
                (count,) = self._db.execute("SELECT count(*) FROM revoked").fetchone()
                if count > MAX_IDS:
                    self._db.execute(
                        "DELETE FROM revoked WHERE sid IN "
                        "(SELECT sid FROM revoked ORDER BY until LIMIT ?)",
                        (count - MAX_IDS,),
                    )
        except sqlite3.Error as exc:
            _log.warning("could not record cleared answers: %s", exc)

    def holds(self, sid: str) -> bool:
        try:
            with self._lock:
                row = self._db.execute("SELECT 1 FROM revoked WHERE sid = ?", (sid,)).fetchone()
        except sqlite3.Error as exc:
            _log.warning("could not read the list of cleared answers: %s", exc)
            return False
        return row is not None
