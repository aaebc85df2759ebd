"""The result object as JSON: the machine-readable form other tools read (README, "The
result")."""

from __future__ import annotations

import json
from functools import lru_cache

from recommender.pipeline.filters import Excluded
from recommender.pipeline.recommend import Result
from recommender.render import RenderOptions, to_json


def render(result: Result, options: RenderOptions) -> str:
    return to_json(result.to_dict())


def compact(result: Result) -> str:
    """The result as one line of JSON (`batch`), byte for byte what
    `json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":"))` gives.

    A plan repeats the same exercises with the same doses on many days and weeks, and
    its to_dict shares those lists; each is encoded once here instead of every time it
    appears (a plan's line is about 16 KB, most of it repeated items).
    """
    data = result.to_dict()
    # The exclusions recur from person to person: each record's JSON is kept.
    excluded = "[" + ",".join(_excluded_json(e) for e in result.excluded) + "]"
    data["excluded"] = _EXCLUDED
    plan = data.get("plan")
    if plan:
        data["plan"] = _SENTINEL
    text = _dumps(data).replace(_dumps(_EXCLUDED), excluded, 1)
    if not plan:
        return text
    head, tail = text.split(_dumps(_SENTINEL), 1)
    return head + _plan(plan) + tail


_EXCLUDED = "\x00excluded\x00"


@lru_cache(maxsize=8192)
def _excluded_json(record: Excluded) -> str:
    return _dumps(record.to_dict())


_SENTINEL = "\x00plan\x00"


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _plan(plan: dict) -> str:
    encoded: dict[int, str] = {}  # id of a shared list of items -> its JSON

    def items(value: list) -> str:
        text = encoded.get(id(value))
        if text is None:
            text = encoded[id(value)] = _dumps(value)
        return text

    weeks = []
    for week in plan["weeks"]:
        sessions = [
            _dumps({k: v for k, v in s.items() if k != "exercises"})[:-1]
            + ',"exercises":'
            + items(s["exercises"])
            + "}"
            for s in week["sessions"]
        ]
        rest = {k: v for k, v in week.items() if k not in ("week", "sessions")}
        text = '{"week":' + _dumps(week["week"]) + ',"sessions":[' + ",".join(sessions) + "]"
        if rest:
            text += "," + _dumps(rest)[1:-1]
        weeks.append(text + "}")
    others = {k: v for k, v in plan.items() if k != "weeks"}
    out = '{"weeks":[' + ",".join(weeks) + "]"
    if others:
        out += "," + _dumps(others)[1:-1]
    return out + "}"
