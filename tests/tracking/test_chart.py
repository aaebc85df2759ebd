"""The chart tells the truth (issue 25, item 5): the exercise-pain limit drawn is the
person's own, read back from the SVG itself; each week's decision and the review are
marked on rows of their own and never overlap; PSFS is three lines on its own axis;
no series differs by colour alone; the page lists the same data as a table; and no
matplotlibrc changes any of it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

from recommender.app.tracking import reviewed
from recommender.core.progress import CheckIn
from recommender.render.chart import chart_rows, chart_style, figure_of, svg_inline

from conftest import Run

if TYPE_CHECKING:  # matplotlib is imported where a test draws (the chart module's rule)
    from matplotlib.figure import Figure
from support.course import ANSWERS, START_ARGS, checkin_args

SVG = "{http://www.w3.org/2000/svg}"


def _start_in_pain(run: Run, tmp_path: Path, pain: int) -> None:
    answers = dict(json.loads(ANSWERS.read_text()), pain_intensity=pain)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    run("track", "start", "--answers", str(path), "--start", "2026-01-05", "--weeks", "8",
        "--psfs", "Lifting=3", "--psfs", "Sitting=4", "--psfs", "Gardening $5=2")  # fmt: skip


def _group(root: ET.Element, gid: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@id='{gid}']")
    assert found is not None, gid
    return found


def _pain_scale(svg: str) -> tuple[ET.Element, Callable[[float | str], float]]:
    """The SVG, and a function from a y pixel of the pain axes to pain (0-10), from the
    pixel positions of that axes' own tick labels."""
    root = ET.fromstring(svg)
    axes = _group(root, "pain-axes")
    ticks = []
    for tick in axes.iter(f"{SVG}g"):
        if not tick.get("id", "").startswith("ytick_"):
            continue
        use = tick.find(f".//{SVG}use")
        label = "".join(t.text or "" for t in tick.iter(f"{SVG}text")).strip()
        if use is not None and label.isdigit():
            ticks.append((float(use.get("y", "nan")), int(label)))
    (y0, v0), (y1, v1) = ticks[0], ticks[-1]
    return root, lambda y: v0 + (float(y) - y0) * (v1 - v0) / (y1 - y0)


def _segments(group: ET.Element) -> list[tuple[float, float]]:
    """Each path of a group as (x of its first point, y)."""
    found = []
    for path in group.iter(f"{SVG}path"):
        if path.get("id"):
            continue  # a marker's shape, defined once
        numbers = path.get("d", "").replace("M", " ").replace("L", " ").split()
        found.append((float(numbers[0]), float(numbers[1])))
    return sorted(found)


def test_the_limit_drawn_follows_usual_pain_above_5_in_the_svg(
    db: str, run: Run, tmp_path: Path
) -> None:
    _start_in_pain(run, tmp_path, 7)
    for week, usual in ((1, 8), (2, 6), (3, 4), (4, 5)):
        run(*checkin_args(week, "3", 3, "same", usual, None, ()))
    root, pain_at = _pain_scale(svg_inline(reviewed(None, None)))
    limits = [round(pain_at(y), 1) for _, y in _segments(_group(root, "pain-limit"))]
    # Week 1 follows the 7 at the start, then each week the usual pain before it, never
    # below 5.
    assert limits == [7.0, 8.0, 6.0, 5.0]
    usual_line = _segments(_group(root, "usual-pain"))
    assert round(pain_at(usual_line[0][1]), 1) == 7.0  # the scale reads the usual pain right


def _long_course(db: str, run: Run, weeks_per_block: int, blocks: int) -> None:
    """Blocks of check-ins with every kind of decision, written through the store (the
    command line is tested elsewhere; here only the chart is)."""
    from recommender.store.courses import Store

    run(*START_ARGS[:-6], "--weeks", str(weeks_per_block), *START_ARGS[-6:])
    start = dt.date(2026, 1, 5)
    pattern = [(3, "same", 5), (7, "worse", 5), (7, "same", 5), (2, "same", 6), (3, "better", 6)]
    for number in range(1, blocks + 1):
        store = Store.open(db)
        course = store.current_course(store.person(None).id, with_checkins=False)
        block = course.blocks[-1]
        for week in range(1, weeks_per_block + 1):
            pain, morning, usual = pattern[(week + number) % len(pattern)]
            done = 1 if week % 6 == 0 else 3
            when = dt.datetime.combine(block.start, dt.time(8)) + dt.timedelta(weeks=week - 1)
            store.add_checkin(course.id, block.id, CheckIn(
                week=week, recorded=when, sessions_done=done, exercise_pain=pain,
                next_morning=morning, usual_pain=usual, psfs=(3, 4, 5) if week % 2 == 0 else None,
            ))  # fmt: skip
        store.close()
        if number < blocks:
            start = block.start + dt.timedelta(weeks=weeks_per_block)
            run("track", "renew", "--start", start.isoformat(), "--no-symptoms", "--no-outlook")


def _drawn(figure: Figure) -> Figure:
    """The figure laid out and drawn, as saving it would."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    # matplotlib's own annotations leave draw() untyped.
    FigureCanvasAgg(figure).draw()  # type: ignore[no-untyped-call]
    return figure


def _marks(figure: Figure) -> list[tuple[str, float, float, float]]:
    """Every decision and review mark: (its row, x and y in pixels, its size in pixels)."""
    _drawn(figure)
    marks_axes = figure.axes[1]
    found: list[tuple[str, float, float, float]] = []
    for line in marks_axes.get_lines():
        if not str(line.get_gid()).startswith(("decision-", "review")):
            continue  # a block's first week, drawn across every axes
        size = line.get_markersize() * figure.dpi / 72
        for x, y in marks_axes.transData.transform(line.get_xydata()):
            found.append((str(line.get_gid()), float(x), float(y), size))
    return found


def test_decision_and_review_marks_never_overlap(db: str, run: Run) -> None:
    _long_course(db, run, 12, 4)  # 48 weeks, four blocks
    progress = reviewed(None, None)
    outcomes = {r.outcome for r in progress.reviews}
    assert {"progress", "hold", "step_back", "adherence"} <= outcomes
    assert any(r.review is not None for r in progress.reviews)
    with chart_style():
        marks = _marks(figure_of(progress))
    assert len([m for m in marks if m[0] != "review"]) == 48
    for (_, x1, y1, s1), (_, x2, y2, s2) in combinations(marks, 2):
        apart = max(abs(x1 - x2), abs(y1 - y2))
        assert apart >= (s1 + s2) / 2, "two marks overlap"


def test_the_decision_words_of_a_short_course_never_overlap(course: str) -> None:
    progress = reviewed(None, None)
    with chart_style():
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure = _drawn(figure_of(progress))
        assert isinstance(figure.canvas, FigureCanvasAgg)  # _drawn's
        renderer = figure.canvas.get_renderer()  # type: ignore[no-untyped-call]  # as draw()
        words = [t for t in figure.axes[1].texts]
        expected = ["progress"] * 3 + ["hold", "step back", "progress", "progress", "STOP"]
        assert [t.get_text() for t in words] == expected
        boxes = [t.get_window_extent(renderer) for t in words]
    for first, second in combinations(boxes, 2):
        assert not first.overlaps(second)


def test_psfs_is_three_lines_on_its_own_axis(course: str) -> None:
    progress = reviewed(None, None)
    with chart_style():
        figure = figure_of(progress)
    psfs_axes = figure.axes[3]
    lines = {line.get_gid(): line for line in psfs_axes.get_lines()}
    assert sorted(lines) == ["psfs-1", "psfs-2", "psfs-3"]
    assert list(lines["psfs-1"].get_ydata()) == [3, 4, 5, 6, 7]  # the start, weeks 2 to 8
    assert all(line.get_gid() not in lines for line in figure.axes[0].get_lines())
    assert psfs_axes.get_ylim() == (0, 10.5)
    svg = svg_inline(progress)
    assert all(f'id="psfs-{n}"' in svg for n in (1, 2, 3))
    assert "Lifting the shopping" in svg


def test_no_series_is_told_apart_by_colour_alone(course: str) -> None:
    """In greyscale the lines part by style and marker, and the decisions by shape."""
    progress = reviewed(None, None)
    with chart_style():
        figure = figure_of(progress)
    for axes in (figure.axes[0], figure.axes[3]):
        looks = [(line.get_linestyle(), line.get_marker()) for line in axes.get_lines()]
        assert len(looks) == len(set(looks)) >= 2
    shapes = [line.get_marker() for line in figure.axes[1].get_lines()]
    assert len(shapes) == len(set(shapes))


def test_the_page_lists_the_charts_data_as_its_text_alternative(course: str, run: Run) -> None:
    page = run("track", "report", "--format", "html").output
    assert '<figure role="img" aria-describedby="chart-data"' in page
    table = page[page.index('<table id="chart-data">') :]
    table = table[: table.index("</table>")]
    progress = reviewed(None, None)
    for row in chart_rows(progress):
        usual = "-" if row.usual_pain is None else row.usual_pain
        assert (
            f"<tr><td>{row.course_week}</td><td>{row.block}, {row.week}</td><td>{usual}</td>"
        ) in table
    assert table.count("<tr>") == 1 + 1 + len(progress.reviews)  # head, start, weeks


def test_a_matplotlibrc_in_the_current_folder_is_ignored(course: str, tmp_path: Path) -> None:
    def report(folder: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "recommender", "track", "report", "-f", "html"],
            cwd=folder, capture_output=True, text=True, env=dict(os.environ, BACKPLAN_DB=course),
        )  # fmt: skip

    clean = report(tmp_path)
    assert clean.returncode == 0, clean.stderr
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "matplotlibrc").write_text(
        "text.usetex: True\nlines.linewidth: 9\nfont.size: 30\nsvg.fonttype: path\n"
        "axes.prop_cycle: cycler('color', ['ff0000'])\nsvg.hashsalt: other\n"
    )
    changed = report(odd)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout == clean.stdout
