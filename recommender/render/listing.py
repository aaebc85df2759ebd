"""Listings for people who browse: the exercise catalog and the rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from recommender.core.catalog import Exercise
from recommender.core.wording import dose_words
from recommender.pipeline.examples import Outcome
from recommender.render.boxes import wrap
from recommender.rulebook.rules import KINDS, Rulebook


def render_exercises(exercises: Iterable[Exercise]) -> str:
    rows = [("ID", "KIND", "LVL", "POSITION", "EQUIPMENT", "DOSE")]
    for e in exercises:
        kit = ",".join(e.equipment) or "-"
        dose = dose_words(e.dose)
        rows.append((e.id, e.kind, str(e.level), e.position, kit, dose))
    return _table(rows)


def rules_as_json(book: Rulebook) -> list[dict[str, Any]]:
    return [
        {
            "id": rule.id,
            "effect": rule.effect(),
            "title": rule.title,
            "condition": rule.when_words(),
            "source": rule.source,
            "file": book.origin[rule.id].name,
        }
        for rule in book.rules
    ]


def render_rules_reference(book: Rulebook) -> str:
    """Every rule as Markdown, grouped by kind: the body of docs/rules.md."""
    out: list[str] = []
    for kind in KINDS:
        rules = [r for r in book.rules if type(r) is kind]
        out += [f"## {kind.HEADING} ({len(rules)})", "", kind.BLURB, ""]
        for rule in rules:
            out += [f"### {rule.id}: {rule.title}", ""]
            out.append(f"- **Effect:** {rule.effect()}")
            out += [f"- **{name}:** {value}" for name, value in rule.details()]
            out.append(f"- **When:** {_one_line(rule.when_words())}")
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
