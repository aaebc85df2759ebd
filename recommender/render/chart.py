"""The course as a chart: weekly usual pain, the worst pain during exercise against the
person's own limit, each week's decision and the review, sessions done against planned,
and the three PSFS activities. matplotlib is imported here alone, when a chart is
drawn, and draws on a Figure of its own (the Agg/SVG canvases; no pyplot, no window).

The chart says what the plan says: the limit drawn is the one each week's review used
(5, or the usual pain before the week when that is higher). It reads in greyscale
(line styles, marker shapes and hatching, never colour alone), its decision and review
marks sit on rows of their own so that nothing overlaps, and every number in it is
also in the report's table (`chart_rows`), its text alternative.

Any `matplotlibrc` (the current folder's, the user's) is ignored: the style starts from
matplotlib's own defaults and is set here, so the same course always draws the same
chart, and a file saying `text.usetex: True` cannot break it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple, Optional

from recommender.pipeline.adapt import Progress

#: Each decision's colour, word and marker (colour-blind-safe Okabe-Ito colours; the
#: marker's shape tells them apart in greyscale, and the word where there is room).
MARKS = {
    "progress": ("#009E73", "progress", "^"),
    "hold": ("#E69F00", "hold", "s"),
    "step_back": ("#D55E00", "step back", "v"),
    "adherence": ("#56B4E9", "keep dose", "D"),
    "stop": ("#000000", "STOP", "X"),
}
REVIEW_MARK = ("#CC79A7", "see a clinician", "*")
#: Up to this many weeks each decision is also written under its mark.
WORDS_UP_TO = 12
#: The three PSFS activities: a line style and marker each, so they part in greyscale.
PSFS_STYLES = (("#000000", "-", "o"), ("#0072B2", "--", "s"), ("#E69F00", "-.", "D"))

#: The style, from matplotlib's defaults up: nothing from any matplotlibrc.
STYLE: dict[str, Any] = {
    "svg.hashsalt": "backplan",
    "svg.fonttype": "none",
    "font.size": 10,
    "font.family": ["DejaVu Sans"],
    "text.usetex": False,
    "text.parse_math": False,  # an activity called "$5 shop" stays words
    "axes.unicode_minus": False,
    "hatch.linewidth": 0.6,
}


class ChartRow(NamedTuple):
    """One reviewed week, as the chart draws it (and its text alternative lists it)."""

    block: int
    week: int  # of the block
    course_week: int  # the chart's x
    usual_pain: Optional[int]
    exercise_pain: Optional[int]
    limit: int
    done: int
    planned: int
    decision: str
    review: bool
    psfs: Optional[tuple[int, ...]]


def chart_rows(progress: Progress) -> list[ChartRow]:
    return [
        ChartRow(
            r.block,
            r.week,
            r.course_week,
            r.summary.usual_pain,
            r.summary.exercise_pain,
            r.facts["this_week"]["pain_limit"],
            r.summary.done,
            r.summary.planned,
            r.outcome,
            r.review is not None,
            r.summary.psfs,
        )
        for r in progress.reviews
    ]


def draw(progress: Progress, fmt: str = "svg") -> bytes:
    """The chart as SVG (for the HTML report) or PNG (to look at), byte-identical for
    the same course."""
    buffer = io.BytesIO()
    with chart_style():
        figure = figure_of(progress)
        figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


@contextmanager
def chart_style() -> Iterator[None]:
    """matplotlib's own defaults and this chart's style, whatever a matplotlibrc said,
    for the time the chart is drawn."""
    # lazy: matplotlib is loaded only by the commands that use it
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(STYLE)  # type: ignore[arg-type]
        yield


def figure_of(progress: Progress) -> Any:
    """The chart's Figure (to draw under `chart_style()`; tests read its marks)."""
    # lazy: matplotlib is loaded only by the commands that use it
    from matplotlib.figure import Figure

    rows = chart_rows(progress)
    course = progress.course
    start_pain = course.start_pain
    has_psfs = bool(course.psfs)
    last = max([r.course_week for r in rows] + [1])
    heights = [3, 0.9, 1.2] + ([2] if has_psfs else [])
    figure = Figure(figsize=(9, 7.6 if has_psfs else 5.9), layout="constrained")
    axes = figure.subplots(len(heights), 1, sharex=True, gridspec_kw={"height_ratios": heights})
    pain, marks, sessions = axes[0], axes[1], axes[2]
    pain.set_gid("pain-axes")
    _pain(pain, rows, start_pain)
    _marks(marks, rows, last, figure)
    _sessions(sessions, rows)
    if has_psfs:
        _psfs(axes[3], rows, course.psfs)
    for boundary, number in _block_starts(progress):
        for ax in axes:
            ax.axvline(boundary, color="#666666", lw=0.8, ls=(0, (1, 2)))
        pain.text(boundary + 0.1, 10.3, f"block {number}", fontsize=8, color="#333333", va="top")
    pain.set_xlim(-0.5, last + 0.5)
    step = 1 if last <= 16 else 2 if last <= 32 else 4
    axes[-1].set_xticks(range(0, last + 1, step))
    axes[-1].set_xlabel("week of the course (0 = start)")
    return figure


def _pain(ax: Any, rows: list[ChartRow], start_pain: int) -> None:
    told = [r for r in rows if r.usual_pain is not None]
    hurt = [r for r in rows if r.exercise_pain is not None]
    if rows:
        xs = [r.course_week for r in rows]
        limits = [r.limit for r in rows]
        # The limit each week's review used, as a short level line over its week, and a
        # hatched band above it: pain during exercise belongs below.
        lines = ax.hlines(limits, [x - 0.45 for x in xs], [x + 0.45 for x in xs],
                          colors="#A04000", linestyles="dashed", lw=1.6,
                          label="your limit during exercise")  # fmt: skip
        lines.set_gid("pain-limit")
        for x, limit in zip(xs, limits, strict=True):
            ax.fill_between([x - 0.45, x + 0.45], limit, 10.5, facecolor="none",
                            edgecolor="#D55E00", hatch="///", lw=0, alpha=0.35)  # fmt: skip
    usual = ax.plot(
        [0] + [r.course_week for r in told],
        [start_pain] + [r.usual_pain for r in told],
        color="#0072B2", marker="o", lw=2, label="usual pain this week",
    )  # fmt: skip
    usual[0].set_gid("usual-pain")
    if hurt:
        worst = ax.plot(
            [r.course_week for r in hurt],
            [r.exercise_pain for r in hurt],
            color="#CC79A7", marker="^", lw=1.2, ls=":", label="worst pain during exercise",
        )  # fmt: skip
        worst[0].set_gid("exercise-pain")
    ax.set_ylim(0, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("pain (0-10)")
    ax.set_title("Your course: pain, each week's decision, sessions and function", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def _marks(ax: Any, rows: list[ChartRow], last: int, figure: Any) -> None:
    """Each week's decision on one row and the review on another, one mark per week:
    marks are sized to the room a week has, so neighbours never touch."""
    width_points = figure.get_figwidth() * 72 * 0.65  # the plot's share of the width
    size = max(3.0, min(9.0, 0.55 * width_points / (last + 1)))
    for outcome, (colour, label, marker) in MARKS.items():
        weeks = [r.course_week for r in rows if r.decision == outcome]
        if weeks:
            ax.plot(weeks, [1] * len(weeks), ls="none", marker=marker, ms=size, color=colour,
                    markeredgecolor="#000000", mew=0.6, label=f"decision: {label}",
                    gid=f"decision-{outcome}")  # fmt: skip
    reviewed = [r.course_week for r in rows if r.review]
    if reviewed:
        colour, label, marker = REVIEW_MARK
        ax.plot(reviewed, [0] * len(reviewed), ls="none", marker=marker, ms=size * 1.2,
                color=colour, markeredgecolor="#000000", mew=0.6, label=label,
                gid="review")  # fmt: skip
    if len(rows) <= WORDS_UP_TO:
        for r in rows:
            colour, label, _ = MARKS[r.decision]
            ax.text(r.course_week, 1.45, label, ha="center", va="bottom", fontsize=7,
                    color="#000000")  # fmt: skip
    ax.set_ylim(-0.6, 2.1)
    ax.set_yticks([0, 1], ["review", "decision"])
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if len(rows) > WORDS_UP_TO or reviewed:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)


def _sessions(ax: Any, rows: list[ChartRow]) -> None:
    xs = [r.course_week for r in rows]
    planned = [r.planned for r in rows]
    ax.bar(xs, planned, color="#FFFFFF", edgecolor="#555555", hatch="..", width=0.7,
           label="planned")  # fmt: skip
    ax.bar(xs, [r.done for r in rows], color="#0072B2", edgecolor="#000000", width=0.4,
           label="done")  # fmt: skip
    ax.set_ylabel("sessions")
    ax.set_ylim(0, max(planned + [1]) + 1.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def _psfs(ax: Any, rows: list[ChartRow], activities: tuple[tuple[str, int], ...]) -> None:
    scored = [r for r in rows if r.psfs]
    for index, (name, first) in enumerate(activities):
        colour, style, marker = PSFS_STYLES[index % len(PSFS_STYLES)]
        line = ax.plot(
            [0] + [r.course_week for r in scored],
            [first] + [r.psfs[index] for r in scored if r.psfs],
            color=colour, ls=style, marker=marker, lw=1.5, label=name,
        )  # fmt: skip
        line[0].set_gid(f"psfs-{index + 1}")
    ax.set_ylim(0, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("PSFS (0-10)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="0 unable, 10 as before", title_fontsize=8, alignment="left")  # fmt: skip


def _block_starts(progress: Progress) -> list[tuple[float, int]]:
    """Where each block after the first begins on the chart's weeks."""
    found = []
    for block in progress.blocks[1:]:
        if block.reviews:
            first = block.reviews[0]
            found.append((first.course_week - first.week + 0.5, block.block.number))
    return found


def svg_inline(progress: Progress) -> str:
    """The SVG chart ready to sit inside an HTML page (no XML prologue or DOCTYPE)."""
    text = draw(progress, "svg").decode("utf-8")
    return text[text.index("<svg") :]
