"""The hazard log in docs/clinical-safety.md stays true to the rules and the tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from support.rule_ids import RULE_ID

ROOT = Path(__file__).resolve().parents[2]
SAFETY_CASE = ROOT / "docs" / "clinical-safety.md"


def hazard_rows() -> list[dict[str, Any]]:
    rows = []
    for line in SAFETY_CASE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| H-"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            assert len(cells) == 6, line
            hazard, _what, _cause, _control, rules, evidence = cells
            rows.append(
                {
                    "id": hazard,
                    "rules": [r.strip() for r in rules.split(",")],
                    "tests": [t.strip() for t in evidence.split(";")],
                }
            )
    return rows


def integrity_rows() -> list[tuple[str, list[str]]]:
    """The hazards no rule controls: (id, the tests that prove the control)."""
    rows = []
    for line in SAFETY_CASE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| S-"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            assert len(cells) == 5, line
            rows.append((cells[0], [t.strip() for t in cells[4].split(";")]))
    return rows


def _assert_test_exists(hazard: str, test: str) -> None:
    path, _, name = test.partition("::")
    source = ROOT / path
    assert source.is_file(), (hazard, test)
    functions = {
        node.name
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
    }
    assert name in functions, (hazard, test)


def rule_ids_in_rule_files() -> set[str]:
    ids = set()
    for path in (ROOT / "rules").glob("*.yaml"):
        ids |= set(re.findall(r"^\s*- id: (\S+)", path.read_text(encoding="utf-8"), re.M))
    return ids


def test_every_rule_appears_in_the_hazard_log() -> None:
    logged = {rule for row in hazard_rows() for rule in row["rules"]}
    missing = rule_ids_in_rule_files() - logged
    assert not missing, f"rules with no hazard in docs/clinical-safety.md: {sorted(missing)}"


def test_every_hazard_names_existing_rules_and_tests() -> None:
    rows = hazard_rows()
    assert len(rows) >= 30
    assert len({row["id"] for row in rows}) == len(rows), "hazard ids repeat"
    known = rule_ids_in_rule_files()
    for row in rows:
        assert row["rules"] and row["tests"], row["id"]
        for rule in row["rules"]:
            assert RULE_ID.fullmatch(rule) and rule in known, (row["id"], rule)
        for test in row["tests"]:
            _assert_test_exists(row["id"], test)


def test_every_integrity_hazard_names_existing_tests() -> None:
    rows = integrity_rows()
    assert len(rows) >= 5
    for hazard, tests in rows:
        assert tests, hazard
        for test in tests:
            _assert_test_exists(hazard, test)
