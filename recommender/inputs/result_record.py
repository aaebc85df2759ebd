"""Reading a stored result object back into the typed records of core/result_record.py.

A result stored by an older backplan is brought up to the current format first (each
step one small function below); one written by a newer backplan is refused with a
message, never guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Union

from recommender.core.errors import BackplanError
from recommender.core.result_record import FORMAT, ResultRecord
from recommender.inputs.validation import ValidationError, problems, validator_for


class StoredResultError(BackplanError):
    """A stored result that this backplan cannot read (exit code 2)."""


def _from_2(data: dict[str, Any]) -> dict[str, Any]:
    """Format 2 (docs/result.md, "Versions") had no escalation box, emergency number or
    rests: the records' defaults (none, the neutral wording, no rest) are what it meant."""
    return data


#: format -> the step that brings a stored object of that format to the next one.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {2: _from_2}


def read_result(data: Union[str, bytes, dict[str, Any]], fmt: int = FORMAT) -> ResultRecord:
    """A stored result (its JSON text, or the decoded object) as typed records."""
    if fmt > FORMAT:
        raise StoredResultError(
            f"a plan was stored by a newer backplan (result format {fmt}); upgrade backplan "
            "to read it"
        )
    if fmt < FORMAT:
        decoded = json.loads(data) if isinstance(data, (str, bytes)) else data
        for step in range(fmt, FORMAT):
            if step not in UPGRADES:
                raise StoredResultError(f"a stored plan's result format {fmt} is unknown")
            decoded = UPGRADES[step](decoded)
        data = decoded
    text = data if isinstance(data, (str, bytes)) else json.dumps(data, allow_nan=False)
    try:
        record = validator_for(ResultRecord).validate_json(text)
    except ValidationError as exc:
        raise StoredResultError(
            "a stored plan cannot be read: " + "; ".join(problems(exc)[:5])
        ) from None
    assert isinstance(record, ResultRecord)
    return record
