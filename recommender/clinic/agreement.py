"""backplan's triage against the clinicians': how often they agree, and where backplan
set a lower level than the clinician (under-triage, the dangerous way) or a higher one
(over-triage). Counts only: no patient is named.

A result counts once a clinician has recorded their own level for it (the latest
recorded counts), over every result in the clinic's database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Connection

from recommender.clinic.db import ClinicDB
from recommender.clinic.review import LEVELS
from recommender.store.schema import decisions, submissions


class Agreement(NamedTuple):
    """counts[backplan level][clinician level]."""

    counts: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.counts.values())

    def _where(self, keep: Callable[[int, int], bool]) -> int:
        total = 0
        for ours, row in self.counts.items():
            for theirs, n in row.items():
                if keep(LEVELS.index(ours), LEVELS.index(theirs)):
                    total += n
        return total

    @property
    def agreed(self) -> int:
        return self._where(lambda ours, theirs: ours == theirs)

    @property
    def under(self) -> int:
        """backplan's level was lower than the clinician's."""
        return self._where(lambda ours, theirs: ours < theirs)

    @property
    def over(self) -> int:
        """backplan's level was higher than the clinician's."""
        return self._where(lambda ours, theirs: ours > theirs)


def agreement(db: ClinicDB) -> Agreement:
    def read(connection: Connection) -> list[tuple[str, str]]:
        latest: dict[int, str] = {}
        rows = connection.execute(
            select(decisions.c.submission_id, decisions.c.clinician_level)
            .where(decisions.c.action == "triaged")
            .order_by(decisions.c.id)
        ).all()
        for submission_id, level in rows:
            latest[submission_id] = level
        levels = dict(
            connection.execute(
                select(submissions.c.id, submissions.c.level).where(
                    submissions.c.id.in_(list(latest))
                )
            ).all()
        )
        return [(levels[key], theirs) for key, theirs in latest.items() if key in levels]

    counts: dict[str, dict[str, int]] = {ours: dict.fromkeys(LEVELS, 0) for ours in LEVELS}
    for ours, theirs in db.read(read):
        if ours in counts and theirs in counts:
            counts[ours][theirs] += 1
    return Agreement(counts)


def as_csv(table: Agreement) -> str:
    """The table (backplan's levels down, the clinicians' across) and the counts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["backplan \\ clinician", *LEVELS])
    for ours in LEVELS:
        writer.writerow([ours, *(table.counts[ours][theirs] for theirs in LEVELS)])
    writer.writerow([])
    writer.writerow(["results", table.total])
    writer.writerow(["agreed", table.agreed])
    writer.writerow(["under-triage (backplan lower)", table.under])
    writer.writerow(["over-triage (backplan higher)", table.over])
    return out.getvalue()
