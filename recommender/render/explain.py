"""`backplan explain`: every rule that fired and every exercise left out, with reasons
and sources, for people (text) and for tools (JSON)."""

from __future__ import annotations

from typing import Any

from recommender.pipeline.recommend import Result
from recommender.render import to_json
from recommender.render.boxes import styler, wrap


def render_explain_json(result: Result) -> str:
    data: dict[str, Any] = {
        "triage": result.triage.to_dict(),
        "plan_withheld": result.withheld.to_dict() if result.withheld else None,
        "fired": [f.to_dict() for f in result.fired],
        "chosen": [{"exercise": c.exercise, "reason": c.reason} for c in result.plan.choices]
        if result.plan
        else [],
        "excluded": [{**e.to_dict(), "source": e.source} for e in result.excluded],
    }
    return to_json(data)


def render_explain(result: Result, color: bool = False) -> str:
    style = styler(color)
    lines = [style("backplan explain: every rule that fired, and why", bold=True), ""]
    lines += wrap(f"Triage level: {result.triage.level}. {result.triage.action}.")
    if result.withheld:
        lines += wrap(f"Plan withheld by {result.withheld.id}.")
    elif result.plan is None:
        lines += wrap("Plan withheld: no plan is given at the urgent and emergency levels.")
    lines.append("")
    lines.append(style(f"Rules that fired ({len(result.fired)})", bold=True))
    for fired in result.fired:
        lines.append(f"  {style(fired.rule, bold=True)}: {fired.effect}")
        lines += wrap(fired.reason, 6, "because: ")
        lines += wrap(fired.source, 6, "source: ")
    if result.plan is not None:
        lines.append("")
        lines.append(style(f"Exercises chosen ({len(result.plan.choices)})", bold=True))
        for choice in result.plan.choices:
            lines += wrap(f"{choice.exercise}: {choice.reason}", 2, "+ ")
    lines.append("")
    lines.append(style(f"Exercises left out ({len(result.excluded)})", bold=True))
    for item in result.excluded:
        lines += wrap(f"{item.exercise} [{item.rule}]: {item.reason}", 2, "- ")
    return "\n".join(lines) + "\n"
