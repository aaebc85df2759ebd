"""The generated documentation stays current: docs/rules.md matches the rule files, and
docs/catalog.html (the illustrated catalog) matches the catalog and its figures."""

from __future__ import annotations

from pathlib import Path

from recommender.inputs.catalog_file import load_catalog
from recommender.render.listing import render_rules_reference
from recommender.rulebook.rules import load_rulebook

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _generated(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index("]]] -->\n") + len("]]] -->\n")
    return text[start : text.index("<!-- [[[end]]] -->")]


def test_the_rules_reference_is_current() -> None:
    expected = render_rules_reference(load_rulebook(load_catalog()))
    assert _generated(DOCS / "rules.md") == expected, (
        "docs/rules.md is out of date: run `cog -r docs/rules.md`"
    )


def test_the_questions_reference_is_current() -> None:
    from recommender.inputs.questionnaire import load_questionnaire
    from recommender.render.questions import render_questions_reference

    expected = render_questions_reference(load_questionnaire())
    assert _generated(DOCS / "answers.md") == expected, (
        "docs/answers.md is out of date: run `cog -r docs/answers.md`"
    )


def test_the_illustrated_catalog_is_current() -> None:
    from recommender.render.catalog_page import render_catalog_page

    expected = render_catalog_page(load_catalog())
    assert (DOCS / "catalog.html").read_text(encoding="utf-8") == expected, (
        "docs/catalog.html is out of date: run "
        "`backplan exercises --format html -o docs/catalog.html`"
    )


# -- the hand-written contract covers what the code has ------------------------------------


def _contract(page: str) -> str:
    """The hand-written part of a page: everything before its generated reference."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return text[: text.index("<!-- [[[cog")] if "<!-- [[[cog" in text else text


def test_the_contract_has_a_row_for_every_triage_withholding_and_filter_rule() -> None:
    """docs/rules.md's tables are the contract the property tests transcribe
    (tests/support/spec_oracle.py): a rule added to the files without its row there is
    a rule nobody checked against the contract."""
    book = load_rulebook(load_catalog())
    rows = {
        line.split("|")[1].strip()
        for line in _contract("rules.md").splitlines()
        if line.startswith("| ") and not line.startswith("| id ")
    }
    ids = {rule.id for rule in (*book.red_flags, *book.withhold, *book.filters)}
    assert ids - rows == set(), "rules with no row in docs/rules.md, 'The contract'"
    assert {r for r in rows if r[:3] in ("RF-", "YF-", "WH-", "EX-")} - ids == set()
    levels = {
        cells[1].strip(): cells[2].strip()
        for cells in (line.split("|") for line in _contract("rules.md").splitlines())
        if cells[0] == "" and len(cells) > 3 and cells[1].strip()[:3] in ("RF-", "YF-")
    }
    assert levels == {rule.id: rule.level for rule in book.red_flags}


def test_every_movement_property_is_described() -> None:
    from typing import get_args

    from recommender.core.catalog import Property

    page = _contract("catalog.md")
    for prop in get_args(Property):
        assert f"| `{prop}` |" in page, f"docs/catalog.md has no row for {prop}"


def test_every_output_format_is_described() -> None:
    """docs/using.md's table of formats has a row for each registered format."""
    from recommender.render import FORMATS

    page = (DOCS / "using.md").read_text(encoding="utf-8")
    for fmt in FORMATS:
        assert f"| `{fmt}` |" in page, f"docs/using.md has no row for the format {fmt}"


def test_every_answer_outside_the_groups_has_a_row() -> None:
    """docs/answers.md's table of keys (the groups' questions are listed by cog)."""
    import dataclasses

    from recommender.core.answers import Answers

    page = _contract("answers.md")
    for field in dataclasses.fields(Answers):
        assert f"| `{field.name}` |" in page, f"docs/answers.md has no row for {field.name}"
