"""Rule and catalog files are validated on load; a broken one is named by path and id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from recommender.app.cli import main
from recommender.core.errors import DataFileError
from recommender.inputs.catalog_file import load_catalog
from recommender.inputs.datafiles import bundled_dir
from recommender.rulebook.rules import load_rulebook

CATALOG = load_catalog()


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


BREAKAGES = {
    "unknown answer key in a condition": (
        "red-flags-emergency.yaml",
        "red_flags.saddle_numbness: true\n    examples",
        "red_flags.saddle_numbnes: true\n    examples",
        ["RF-CES-SADDLE", "unknown answer"],
    ),
    "unknown rule key": (
        "red-flags-soon.yaml",
        "  - id: RF-SEVERE\n",
        "  - id: RF-SEVERE\n    severity: 3\n",
        ["RF-SEVERE", "severity"],
    ),
    "duplicate id": (
        "red-flags-soon.yaml",
        "id: RF-WORSENING",
        "id: RF-SEVERE",
        ["RF-SEVERE", "already used"],
    ),
    "unknown exercise id in an example": (
        "filters.yaml",
        "excludes: [cat-cow, childs-pose",
        "excludes: [cat-cat, childs-pose",
        ["EX-FLOOR", "cat-cat"],
    ),
    "value not allowed for the answer": (
        "red-flags-urgent.yaml",
        "- onset: major_injury\n        - pain_duration: under_6_weeks\n    examples",
        "- onset: car_crash\n        - pain_duration: under_6_weeks\n    examples",
        ["RF-TRAUMA", "car_crash"],
    ),
    "yes/no is not a boolean": (
        "red-flags-urgent.yaml",
        "red_flags.fever: true\n    examples",
        "red_flags.fever: yes\n    examples",
        ["RF-INFECTION", "true or false"],
    ),
    "a key written twice": (
        "notes.yaml",
        "  - id: NOTE-HEART\n",
        "  - id: NOTE-HEART\n    id: NOTE-HEART2\n",
        ["notes.yaml", "twice"],
    ),
    "no silent example": (
        "red-flags-urgent.yaml",
        "      - {name: no fever, given: {}, fires: false}\n",
        "",
        ["RF-INFECTION", "silent"],
    ),
    "bad level": (
        "red-flags-soon.yaml",
        "level: soon\n    suspected: gallstones",
        "level: later\n    suspected: gallstones",
        ["RF-GALLBLADDER", "level"],
    ),
    "not YAML": ("notes.yaml", "notes:\n", "notes: [\n", ["notes.yaml", "YAML"]),
    "areas that narrow nothing": (
        "filters.yaml",
        "excludes: {properties: [end_range_spine], for_areas: [neck]}",
        "excludes: {missing_equipment: true, for_areas: [neck]}",
        ["EX-NECK-CARE", "for_areas"],
    ),
    "not a pain area": (
        "filters.yaml",
        "excludes: {properties: [end_range_spine], for_areas: [neck]}",
        "excludes: {properties: [end_range_spine], for_areas: [knee]}",
        ["EX-NECK-CARE", "for_areas", "lower_back"],
    ),
}


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_broken_rule_files_are_refused_with_file_and_rule(rules_dir: Path, name: str) -> None:
    file, old, new, expected = BREAKAGES[name]
    _edit(rules_dir / file, old, new)
    with pytest.raises(DataFileError) as caught:
        load_rulebook(CATALOG, rules_dir)
    message = str(caught.value)
    assert file in message
    for fragment in expected:
        assert fragment in message

    result = CliRunner().invoke(main, ["rules", "check", str(rules_dir)])
    assert result.exit_code == 2
    assert file in result.output and "Traceback" not in result.output


def test_rules_check_names_a_rule_whose_example_is_wrong(rules_dir: Path) -> None:
    # The condition still loads, but the example now contradicts it.
    _edit(
        rules_dir / "red-flags-soon.yaml",
        "pain_intensity: {at_least: 8}",
        "pain_intensity: {at_least: 9}",
    )
    result = CliRunner().invoke(main, ["rules", "check", str(rules_dir)])
    assert result.exit_code == 3  # its own code: not bad input, not an internal fault
    assert "red-flags-soon.yaml" in result.output
    assert "RF-SEVERE[fires: pain of 8]" in result.output


def test_rules_check_accepts_a_single_file() -> None:
    result = CliRunner().invoke(main, ["rules", "check", str(bundled_dir("rules") / "notes.yaml")])
    assert result.exit_code == 0, result.output


def test_broken_catalog_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_dir("data"), data)
    path = data / "exercises.yaml"
    _edit(path, "harder: chin-tuck-head-lift", "harder: chin-lift")
    with pytest.raises(DataFileError) as caught:
        load_catalog(data)
    assert "exercises.yaml" in str(caught.value) and "chin-tuck" in str(caught.value)
    _edit(path, "harder: chin-lift", "harder: chin-tuck-head-lift\n    colour: red")
    with pytest.raises(DataFileError) as caught:
        load_catalog(data)
    assert "chin-tuck" in str(caught.value) and "colour" in str(caught.value)


def test_plan_refuses_to_run_on_broken_rules_and_uses_edited_ones(rules_dir: Path) -> None:
    answers = str(bundled_dir("data") / "example-answers.json")
    _edit(rules_dir / "notes.yaml", "title: How much pain is all right", "title: Pain check")
    result = CliRunner().invoke(
        main, ["plan", "-a", answers, "--rules", str(rules_dir)], env={"NO_COLOR": "1"}
    )
    assert result.exit_code == 0 and "Pain check:" in result.output
    _edit(rules_dir / "notes.yaml", "  - id: NOTE-HEART\n", "  - id: NOTE-HEART\n    colour: red\n")
    result = CliRunner().invoke(main, ["plan", "-a", answers, "--rules", str(rules_dir)])
    assert result.exit_code == 2
    assert "notes.yaml" in result.output and "NOTE-HEART" in result.output


def test_a_yaml_alias_bomb_is_refused_quickly(rules_dir: Path) -> None:
    import time

    # Each level refers to the one before nine times: 9**9 strings once expanded.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 10):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        levels.append(f"a{n}: &a{n} [{refs}]")
    (rules_dir / "bomb.yaml").write_text("\n".join(levels) + "\n")
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["rules", "check", str(rules_dir)])
    assert time.perf_counter() - start < 10
    assert result.exit_code == 2
    assert "bomb.yaml" in result.output and "aliases" in result.output


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_as_a_rule_file_is_refused_not_waited_for(rules_dir: Path) -> None:
    import os
    import subprocess
    import sys

    (rules_dir / "notes.yaml").unlink()
    os.mkfifo(rules_dir / "notes.yaml")  # nobody will ever write to it
    try:
        ran = subprocess.run(
            [sys.executable, "-m", "recommender", "plan", "--example", "--rules", str(rules_dir)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("plan waited for ever on a FIFO named as a rule file")
    assert ran.returncode == 2
    assert f"{rules_dir / 'notes.yaml'}: is not a regular file" in ran.stderr
    assert "Traceback" not in ran.stderr
