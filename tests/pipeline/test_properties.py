"""Invariants of SPEC sections 3, 5 and 6 over generated answers (hypothesis).

The expected triage and exclusions come from `spec_oracle`, a plain transcription of
the SPEC that shares nothing with the rule files or the engine.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender

from support import spec_oracle
from support.strategies import answers, plannable_answers

BOOK = Recommender.load()
CATALOG = {e["id"]: e for e in BOOK.catalog.as_json}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def run(raw: dict, weeks: int = 4) -> dict:
    return BOOK.recommend(validate_answers(raw), weeks=weeks).to_dict()


@given(answers())
def test_triage_matches_the_spec(raw):
    result = run(raw)
    want = spec_oracle.red_flags(raw)
    flags = result["triage"]["flags"]
    assert sorted(f["id"] for f in flags) == sorted(want)
    assert len({f["id"] for f in flags}) == len(flags)
    assert all(f["level"] == want[f["id"]] for f in flags)
    assert result["triage"]["level"] == spec_oracle.level(raw)
    for flag in flags:
        assert flag["title"] and flag["advice"] and flag["source"]


@given(answers())
def test_no_plan_at_urgent_or_emergency_and_withholding_matches_the_spec(raw):
    result = run(raw)
    level = result["triage"]["level"]
    eligible = [e for e in CATALOG.values() if not spec_oracle.exclusions(raw, e, level)]
    withheld = spec_oracle.withheld(raw, eligible)
    assert (result["plan_withheld"] or {}).get("id") == withheld
    if level in ("urgent", "emergency") or withheld:
        assert result["plan"] is None
    else:
        assert result["plan"] is not None
    if result["plan_withheld"]:
        assert result["plan_withheld"]["reason"]


@given(answers(red_flag_rate=0.05))
def test_every_exclusion_is_recorded_with_its_rule(raw):
    result = run(raw)
    level = result["triage"]["level"]
    want = {
        (exercise_id, rule)
        for exercise_id, e in CATALOG.items()
        for rule in spec_oracle.exclusions(raw, e, level)
    }
    got = {(x["exercise"], x["rule"]) for x in result["excluded"]}
    assert got == want
    assert all(x["reason"] for x in result["excluded"])


def _dose(item: dict) -> int:
    return item["sets"] * (item["reps"] if item["reps"] is not None else item["hold_seconds"])


@given(plannable_answers, st.integers(1, 12))
def test_plans_keep_every_invariant(raw, weeks):
    result = run(raw, weeks)
    plan = result["plan"]
    if plan is None:
        return
    level = result["triage"]["level"]
    areas = set(raw["pain_areas"])
    budget = raw["minutes_per_session"]
    days = raw["days_per_week"]
    eligible = {i for i, e in CATALOG.items() if not spec_oracle.exclusions(raw, e, level)}
    strength_possible = any(CATALOG[i]["kind"] == "strength" for i in eligible)
    assert [w["week"] for w in plan["weeks"]] == list(range(1, weeks + 1))

    doses_by_week: list[dict[str, int]] = []
    for week in plan["weeks"]:
        sessions = week["sessions"]
        assert len(sessions) == days
        day_names = [s["day"] for s in sessions]
        assert len(set(day_names)) == days, "sessions on distinct weekdays"
        week_doses: dict[str, int] = {}
        strength_days = []
        for session in sessions:
            items = session["exercises"]
            ids = [x["id"] for x in items]
            assert 1 <= session["minutes"] <= budget
            assert len(set(ids)) == len(ids) >= 2
            assert CATALOG[ids[0]]["kind"] in ("mobility", "stretch"), (
                "opens with mobility or stretch"
            )
            assert any(areas & set(CATALOG[i]["areas"]) for i in ids)
            assert set(ids) <= eligible, "only exercises that pass every filter"
            for x in items:
                assert x["name"] == CATALOG[x["id"]]["name"]
                assert (x["reps"] is None) != (x["hold_seconds"] is None)
                # One dose per exercise per week, whichever day it falls on.
                assert week_doses.setdefault(x["id"], _dose(x)) == _dose(x)
            if any(CATALOG[i]["kind"] == "strength" for i in ids):
                strength_days.append(WEEKDAYS.index(session["day"]))
        if strength_possible and days >= 2:
            assert 2 <= len(strength_days) <= 3
            for a in strength_days:
                for b in strength_days:
                    gap = abs(a - b) % 7
                    assert a == b or min(gap, 7 - gap) >= 2, "strength days not consecutive"
        doses_by_week.append(week_doses)

    for before, after in zip(doses_by_week, doses_by_week[1:], strict=False):
        for exercise_id, dose in after.items():
            if exercise_id in before:
                ratio = dose / before[exercise_id]
                assert ratio == 1 or 1.10 - 1e-9 <= ratio <= 1.20 + 1e-9, (exercise_id, ratio)
            else:
                # A new exercise mid-plan is a harder variant, allowed only at low pain.
                assert raw["pain_intensity"] <= 3
                replaced = [i for i in before if CATALOG[i].get("harder") == exercise_id]
                assert replaced, f"{exercise_id} appeared from nowhere"


@given(plannable_answers)
def test_session_dates_follow_the_start_date(raw):
    result = run(raw)
    if result["plan"] is None:
        return
    start = raw.get("start_date")
    for week in result["plan"]["weeks"]:
        for session in week["sessions"]:
            if start is None:
                assert session["date"] is None
                continue
            date = dt.date.fromisoformat(session["date"])
            assert WEEKDAYS[date.weekday()] == session["day"]
            offset = (date - dt.date.fromisoformat(start)).days
            assert (week["week"] - 1) * 7 <= offset < week["week"] * 7


@settings(max_examples=50)
@given(answers())
def test_output_is_deterministic(raw):
    first = json.dumps(run(raw), sort_keys=False)
    again = json.dumps(run(json.loads(json.dumps(raw))), sort_keys=False)
    assert first == again
