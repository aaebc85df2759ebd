"""Imports at the top of modules, unless a reason says otherwise (issue 29).

An import inside a function is something a newcomer must learn: each one that stays
says why on a `# lazy:` comment, on its line or above it (one comment may serve a run
of imports): a heavy library only the commands that use it load, the cold `backplan
plan` path (benchmarks/bench.py (a)), or a module that exists only on POSIX.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "recommender"


def _function_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found


def _reason_given(lines: list[str], number: int, import_lines: set[int]) -> bool:
    """A `# lazy:` comment on line `number` (1-based), or above it through comment,
    blank and import lines only (`import_lines`: every line an import statement spans),
    so that one comment serves a function's run of imports and no code comes between."""
    if "# lazy:" in lines[number - 1]:
        return True
    above = number - 1
    while above >= 1:
        text = lines[above - 1].strip()
        if text.startswith("# lazy:"):
            return True
        if text and not text.startswith("#") and above not in import_lines:
            return False
        above -= 1
    return False


def unexplained_imports(root: Path) -> list[str]:
    """file:line of every import inside a function without a `# lazy:` reason."""
    missing = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        imports = _function_imports(ast.parse(source))
        spans = {n for node in imports for n in range(node.lineno, (node.end_lineno or 0) + 1)}
        for node in imports:
            if not _reason_given(lines, node.lineno, spans):
                missing.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return missing


def test_every_import_inside_a_function_says_why() -> None:
    assert unexplained_imports(PACKAGE) == []


def test_an_import_inside_a_function_without_a_reason_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(
        "import os\n\n\n"
        "def told():\n"
        "    # lazy: a reason\n"
        "    import json\n\n"
        "    from csv import (\n"
        "        reader,\n"
        "    )\n"
        "    return json, reader\n\n\n"
        "def untold():\n"
        "    x = 1\n"
        "    import json\n"
        "    return json, x\n\n\n"
        "def code_between():\n"
        "    # lazy: a reason for json, not for csv\n"
        "    import json\n"
        "    print(json)\n"
        "    import csv\n"
        "    return csv\n"
    )
    assert unexplained_imports(package) == ["pkg/mod.py:16", "pkg/mod.py:24"]
