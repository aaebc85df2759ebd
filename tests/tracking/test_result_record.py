"""One shape for a plan (issue 25, item 7): the stored result object reads back into
typed records, whole, for any result the pipeline makes; a result stored in format 2
still reads; a key the records do not know is refused (so a change to the result's
keys fails here, not in code mypy cannot see); and a dose has one wording."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings

from recommender.core.result_record import FORMAT, PlanRecord, ResultRecord
from recommender.core.wording import dose_words
from recommender.inputs.answers_file import example_answers, validate_answers
from recommender.inputs.result_record import StoredResultError, read_result
from recommender.pipeline.recommend import Recommender

from conftest import Run
from support.strategies import answers, plannable_answers

_RECOMMENDER = Recommender.load(engine="reference")

#: The keys the records give a default, and their defaults: what "whole" may add.
_ITEM_DEFAULTS = {
    "per_side": False,
    "minutes": None,
    "unit": None,
    "position": None,
    "effort": None,
    "rest_seconds": 0,
}


def _with_defaults(result: dict[str, Any]) -> dict[str, Any]:
    """The result object with every key the records default filled in."""
    out = copy.deepcopy(result)
    out.setdefault("escalation", None)
    out.setdefault("emergency_number", None)
    for box in ("safety_net", "escalation"):
        if out.get(box) is not None:
            out[box].setdefault("review", None)
    for week in (out.get("plan") or {}).get("weeks", []):
        week.setdefault("walking", None)
        week.setdefault("notes", [])
        items = [i for s in week["sessions"] for i in s["exercises"]]
        if week["walking"] is not None:
            items.append(week["walking"])
        for item in items:
            for key, default in _ITEM_DEFAULTS.items():
                item.setdefault(key, default)
    return out


def _dumped(record: ResultRecord) -> dict[str, Any]:
    """The records as JSON would hold them (dates as ISO text)."""
    dumped: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(record), default=str))
    return dumped


@settings(max_examples=60)
@given(answers())
def test_any_result_reads_back_whole(raw: dict[str, Any]) -> None:
    result = _RECOMMENDER.recommend(validate_answers(raw)).to_dict()
    assert _dumped(read_result(json.dumps(result))) == _with_defaults(result)


@settings(max_examples=40)
@given(plannable_answers)
def test_a_dose_has_one_wording(raw: dict[str, Any]) -> None:
    """Tracking words a stored item's dose exactly as the plan words the prescription."""
    result = _RECOMMENDER.recommend(validate_answers(raw), weeks=6)
    if result.plan is None:
        return
    record = read_result(result.to_dict())
    assert record.plan is not None
    for planned, stored in zip(result.plan.weeks, record.plan.weeks, strict=True):
        for session, kept in zip(planned.sessions, stored.sessions, strict=True):
            for prescription, item in zip(session.exercises, kept.exercises, strict=True):
                assert dose_words(item.dose) == dose_words(prescription.dose)


def test_a_result_stored_in_format_2_still_reads() -> None:
    result = _RECOMMENDER.recommend(example_answers()).to_dict()
    older = copy.deepcopy(result)
    del older["escalation"], older["emergency_number"]
    for week in older["plan"]["weeks"]:
        for session in week["sessions"]:
            for item in session["exercises"]:
                item.pop("rest_seconds", None)
    record = read_result(json.dumps(older), 2)
    assert record.escalation is None and record.emergency_number is None
    assert record.plan is not None and record.plan.week(1).items()[0].rest_seconds == 0
    now = read_result(result).plan

    def doses(plan: PlanRecord | None) -> list[tuple[object, ...]]:
        assert plan is not None
        return [(i.id, i.dose, i.position) for week in plan.weeks for i in week.items()]

    assert doses(record.plan) == doses(now)


def test_a_key_the_records_do_not_know_is_refused() -> None:
    result = _RECOMMENDER.recommend(example_answers()).to_dict()
    result["plan"]["weeks"][0]["sessions"][0]["exercises"][0]["tempo"] = "slow"
    with pytest.raises(StoredResultError, match="tempo"):
        read_result(result)


def test_a_result_from_a_newer_backplan_is_refused() -> None:
    result = _RECOMMENDER.recommend(example_answers()).to_dict()
    with pytest.raises(StoredResultError, match="newer backplan"):
        read_result(result, FORMAT + 1)


def test_a_stored_course_with_an_unreadable_result_is_a_message(db: str, run: Run) -> None:
    import sqlite3

    from support.course import START_ARGS

    run(*START_ARGS)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE backplan_plans SET result_format = 9")
    out = run("track", "status", code=2)
    assert "newer backplan" in out.output and "Traceback" not in out.output
