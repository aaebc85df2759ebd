"""The fridge sheet (`backplan plan --format sheet`): a printed page a week, each
session's exercises as rows with the figure beside the amount and the rest, tick boxes
and a pain score, the level line and the safety net with the person's emergency number.

The page is read as a document (the HTML tests' parser), then printed to PDF in a real
headless Chromium on A4 and on US Letter and read back with pypdf.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_html import PRODUCED, Page, result_for, squash

from recommender.app.cli import main
from recommender.core.safety_net import SIGNS
from recommender.pipeline.recommend import Recommender
from recommender.render.phrases import item_words
from recommender.render.sheet import render_sheet, rest_cell

from support.browser import find_browser
from support.printing import PAPER_POINTS, print_to_pdf, read_pdf


def test_a_page_for_each_week_with_every_session_row_and_tick_box(recommender: Recommender) -> None:
    result = result_for(recommender, "desk-worker-upper-back")
    assert result.plan is not None
    page = Page(render_sheet(result, PRODUCED))
    weeks = page.all("section", "week")
    assert len(weeks) == len(result.plan.weeks) == 4
    for week, section in zip(result.plan.weeks, weeks, strict=True):
        assert page.words(section).startswith(f"Week {week.number} of 4")
        pictured: set[str] = set()
        boxes = [
            b for b in page.all("section", "session") if section.start <= b.start < section.end
        ]
        groups = week.session_groups()
        assert len(boxes) == len(groups)
        for group, box in zip(groups, boxes, strict=True):
            rows = [r for r in page.all("li", "row") if box.start <= r.start < box.end]
            assert len(rows) == len(group[0].exercises)
            for n, (item, row) in enumerate(zip(group[0].exercises, rows, strict=True), 1):
                picture, words = row.children
                (svg,) = picture.children
                if item.exercise.name in pictured and svg.tag != "svg":
                    # a crowded week shows each picture once, where it is first named
                    assert page.words(svg) == "pictured earlier this week"
                else:
                    assert svg.tag == "svg" and svg.attrs["role"] == "img"
                    assert "figure-stills" in svg.classes  # still poses only: for paper
                pictured.add(item.exercise.name)
                text = page.words(words)
                assert text.startswith(f"{n}. {item.exercise.name} {item_words(item)}")
            ticks = [t for t in page.all("span", "tick") if box.start <= t.start < box.end]
            assert len(ticks) == len(group)  # one box for each day of the session
            assert page.words(box).count("pain /10") == len(group)
        net = page.words(
            next(a for a in page.all("aside") if section.start <= a.start < section.end)
        )
        assert squash(result.triage.action) in net
        assert result.safety_net is not None
        assert result.safety_net.title in net and all(sign in net for sign in SIGNS)
    ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids))  # a figure shown every week never repeats an id


def test_the_sheet_names_the_persons_emergency_number(recommender: Recommender) -> None:
    import dataclasses

    answers = result_for(recommender, "desk-worker-upper-back").answers
    result = recommender.recommend(dataclasses.replace(answers, country="GB"))
    shown = render_sheet(result, PRODUCED)
    assert result.plan is not None
    assert shown.count("Call 999 or go to an emergency department now") == len(result.plan.weeks)


def test_the_rest_is_shown_when_the_plan_states_it(recommender: Recommender) -> None:
    """Every item states its rest (`rest_seconds`); the sheet shows it in the words of
    the other formats where there is one, and nothing where there is none."""
    result = result_for(recommender, "desk-worker-upper-back")
    assert result.plan is not None
    items = [p for w in result.plan.weeks for s in w.sessions for p in s.exercises]
    rested = next(p for p in items if p.rest_seconds)
    assert rest_cell(rested) == f"Rest {rested.rest_seconds} s between " + (
        "holds" if rested.dose.reps is None else "sets"
    )
    assert rest_cell(rested._replace(rest_seconds=0)) == ""
    page = Page(render_sheet(result, PRODUCED))
    shown = [page.words(r) for r in page.all("span", "rest")]
    assert shown and set(shown) == {rest_cell(p) for p in items if p.rest_seconds}


def test_sheet_is_a_format_of_the_plan_command(tmp_path: Path) -> None:
    target = tmp_path / "sheet.html"
    run = CliRunner().invoke(main, ["plan", "--example", "-f", "sheet", "-o", str(target)])
    assert run.exit_code == 0, run.output
    text = target.read_text()
    assert text.startswith("<!doctype html>") and "Week 4 of 4" in text
    assert "<script" not in text.lower() and "http" not in text


@pytest.mark.browser
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_four_week_sheet_prints_on_four_pages(
    recommender: Recommender, tmp_path: Path, paper: str
) -> None:
    """One page a week, on A4 and on Letter: each page holds its week whole, with the
    warning box."""
    browser = find_browser()
    result = result_for(recommender, "desk-worker-upper-back")
    assert result.plan is not None
    assert len(result.plan.weeks) == 4
    pdf = print_to_pdf(browser, render_sheet(result, PRODUCED, paper=paper), tmp_path)
    pages = read_pdf(pdf)
    assert len(pages) == 4
    width, height = PAPER_POINTS[paper]
    for number, page in enumerate(pages, 1):
        assert abs(page.width - width) < 2 and abs(page.height - height) < 2
        flat = squash(page.text)
        assert f"Week {number} of 4" in flat
        assert "or go to an emergency department now if you have" in flat
        assert "not clearly better after 4 to 6 weeks" in flat
        for item in result.plan.weeks[number - 1].sessions[0].exercises:
            assert item.exercise.name in flat
