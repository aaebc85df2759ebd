"""Listings for people who browse: the exercise catalog and the rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from recommender.core.catalog import Exercise
from recommender.core.wording import dose_words
from recommender.pipeline.examples import Outcome
from recommender.render.text import wrap
from recommender.rulebook.conditions import describe
from recommender.rulebook.rules import (
    AdaptRule,
    FilterRule,
    NoteRule,
    RedFlagRule,
    Rulebook,
    WithholdRule,
)


def render_exercises(exercises: Iterable[Exercise]) -> str:
    rows = [("ID", "KIND", "LVL", "POSITION", "EQUIPMENT", "DOSE")]
    for e in exercises:
        kit = ",".join(e.equipment) or "-"
        dose = dose_words(e.dose)
        rows.append((e.id, e.kind, str(e.level), e.position, kit, dose))
    return _table(rows)


def rule_effect(rule: object) -> str:
    if isinstance(rule, RedFlagRule):
        return rule.level
    if isinstance(rule, WithholdRule):
        return "withhold plan"
    if isinstance(rule, FilterRule):
        return "exclude exercises"
    if isinstance(rule, AdaptRule):
        return f"adapt: {rule.outcome.replace('_', ' ')}"
    assert isinstance(rule, NoteRule)
    return "note"


def rule_condition(rule: object) -> str:
    condition = getattr(rule, "condition", None)
    if condition is not None:
        return describe(condition)
    if isinstance(rule, WithholdRule) and rule.when_eligible:
        return rule.when_eligible.describe()
    if isinstance(rule, FilterRule):
        # Cases with the same condition (EX-BALANCE's two) are told once.
        return "; ".join(
            dict.fromkeys(
                describe(c.condition)
                if c.condition is not None
                else f"triage level is {c.when_triage}"
                if c.when_triage
                else "everyone"
                for c in rule.cases
            )
        )
    return "always"


def rules_as_json(book: Rulebook) -> list[dict]:
    return [
        {
            "id": rule.id,
            "effect": rule_effect(rule),
            "title": rule.title,
            "condition": rule_condition(rule),
            "source": rule.source,
            "file": book.origin[rule.id].name,
        }
        for rule in book.rules
    ]


_KINDS = (
    (RedFlagRule, "Red flags (triage)", "Each sends the person to a clinician at its level."),
    (WithholdRule, "Withholding rules", "Each withholds the plan, whatever the triage level."),
    (FilterRule, "Safety filters", "Each removes exercises from the plan, with its reason."),
    (NoteRule, "Notes", "Advice shown beside a plan; a note changes nothing else."),
    (
        AdaptRule,
        "Adaptation rules (tracking)",
        "Each reads one tracked week (`backplan track`) and decides the next week's dose; "
        "the strongest outcome wins (stop, step back, hold, adherence, progress).",
    ),
)


def render_rules_reference(book: Rulebook) -> str:
    """Every rule as Markdown, grouped by kind: the body of docs/rules.md."""
    out: list[str] = []
    for kind, heading, blurb in _KINDS:
        rules = [r for r in book.rules if isinstance(r, kind)]
        out += [f"## {heading} ({len(rules)})", "", blurb, ""]
        for rule in rules:
            out += [f"### {rule.id}: {rule.title}", ""]
            out.append(f"- **Effect:** {rule_effect(rule)}")
            if isinstance(rule, RedFlagRule):
                out.append(f"- **Suspected:** {rule.suspected}")
            out.append(f"- **When:** {_one_line(rule_condition(rule))}")
            out.append(f"- **Source:** {_one_line(rule.source)}")
            out.append(f"- **File:** `rules/{book.origin[rule.id].name}`")
            out.append("")
    return "\n".join(out)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_rules(book: Rulebook) -> str:
    lines = []
    for item in rules_as_json(book):
        lines.append(f"{item['id']}  ({item['effect']})  {item['title']}")
        lines += wrap(item["condition"], 4, "when: ")
        lines += wrap(item["source"], 4, "source: ")
    return "\n".join(lines) + "\n"


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join(out) + "\n"


def render_check_report(outcomes: Sequence[Outcome], rule_count: int) -> tuple[str, str]:
    """`rules check`'s findings: the failures (for stderr) and the summary line."""
    failed = [o for o in outcomes if not o.passed]
    failures = "".join(
        f"FAIL {o.case.file}: {o.case.id}: {problem}\n" for o in failed for problem in o.problems
    )
    summary = (
        f"{len(outcomes) - len(failed)}/{len(outcomes)} examples of {rule_count} rules "
        "behave as stated" + ("" if failed else "; all rule files are valid") + "\n"
    )
    return failures, summary
