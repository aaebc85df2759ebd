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


def test_the_rules_reference_is_current():
    expected = render_rules_reference(load_rulebook(load_catalog()))
    assert _generated(DOCS / "rules.md") == expected, (
        "docs/rules.md is out of date: run `cog -r docs/rules.md`"
    )


def test_the_questions_reference_is_current():
    from recommender.inputs.questionnaire import load_questionnaire
    from recommender.render.questions import render_questions_reference

    expected = render_questions_reference(load_questionnaire())
    assert _generated(DOCS / "answers.md") == expected, (
        "docs/answers.md is out of date: run `cog -r docs/answers.md`"
    )


def test_the_illustrated_catalog_is_current():
    from recommender.render.catalog_page import render_catalog_page

    expected = render_catalog_page(load_catalog())
    assert (DOCS / "catalog.html").read_text(encoding="utf-8") == expected, (
        "docs/catalog.html is out of date: run "
        "`backplan exercises --format html -o docs/catalog.html`"
    )
