"""`track report --format html`: one self-contained page (no JavaScript, no external
file) with the course's warning, the chart as inline SVG and its data as a table (the
chart's text alternative), every block's weeks, function and every decision in words."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Optional

from recommender.core.progress import PSFS_EXPLAINED, PSFS_NAME
from recommender.core.safety_net import SafetyNet
from recommender.pipeline.adapt import BlockProgress, Progress
from recommender.pipeline.course_warning import CourseWarning
from recommender.render.chart import MARKS, chart_rows, svg_inline
from recommender.render.progress_text import DISCLAIMER, block_summary
from recommender.render.progress_words import (
    OUTCOME_WORDS,
    decision_sentence,
    exercise_sentence,
    review_sentence,
)

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 56rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
caption { text-align: left; font-weight: bold; }
.stop { border: 3px solid #b00; padding: .5rem 1rem; font-weight: bold; }
.level { border: 3px solid #1a1a1a; padding: .5rem 1rem; font-weight: bold; }
.net { border: 2px solid #1a1a1a; padding: .25rem 1rem; margin: 1.5rem 0; }
.net h2 { font-size: 1rem; margin: .5rem 0; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
.rule { font-family: monospace; white-space: nowrap; }
"""


def _box(net: SafetyNet, heading: str) -> list[str]:
    out = [f'<section class="net" aria-label="{escape(heading)}">',
           f"<h2>{escape(net.title)}:</h2><ul>"]  # fmt: skip
    out += [f"<li>{escape(sign)}</li>" for sign in net.signs]
    out.append("</ul>")
    if net.review:
        out.append(f"<p>{escape(net.review)}</p>")
    out.append(f"<p><small>Source: {escape(net.source)}</small></p></section>")
    return out


def _cell(value: Optional[int]) -> str:
    return "-" if value is None else str(value)


def render_report_html(progress: Progress, warning: CourseWarning, today: dt.date) -> str:
    """The progress report as one HTML page: the course, its warning first, the
    chart, each block's weeks, the PSFS, why each decision, the safety net."""
    course = progress.course
    first = course.blocks[0]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>backplan progress report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Progress report</h1>",
        f"<p>For {escape(course.person.name)}. Started {course.start:%A %d %B %Y}; a plan of "
        f"{progress.plan_weeks} weeks (backplan {escape(first.backplan_version)}, rules "
        f"{escape(first.rules_version)}). Usual pain at the start: {course.start_pain}/10.</p>",
    ]
    out += _warning(progress, warning)
    out += _chart(progress)
    for block in progress.blocks:
        out.append(f"<h2>{escape(block_summary(block, today))}</h2>")
        out += (
            _weeks_table(block)
            if block.reviews
            else ["<p>No week of this block was checked in.</p>"]
        )
    out += _function_scores(progress)
    out += _why_each_decision(progress)
    if warning.net is not None:
        out += _box(warning.net, "Safety net")
    out += [f"<p><small>{escape(DISCLAIMER)}</small></p>", "</body></html>", ""]
    return "\n".join(out)


def _warning(progress: Progress, warning: CourseWarning) -> list[str]:
    out = []
    if warning.line is not None:
        out.append(f'<p class="level" role="alert">{escape(warning.line)}</p>')
        if warning.why:
            out.append(f"<p>Why: {escape('; '.join(warning.why))}.</p>")
    if progress.stopped:
        out.append(
            f'<p class="stop" role="alert">The plan is stopped: {escape(progress.stopped)}</p>'
        )
    if warning.escalation is not None:
        out += _box(warning.escalation, "Before you are seen")
    return out


def _weeks_table(block: BlockProgress) -> list[str]:
    out = [
        "<table><thead><tr><th>Week</th><th>Doses of plan week</th><th>Sessions</th>"
        "<th>Worst pain in exercise</th><th>Your limit</th><th>Next morning</th>"
        "<th>Usual pain</th><th>Decision</th><th>Rule</th></tr></thead><tbody>"
    ]
    for review in block.reviews:
        s = review.summary
        rules = [r.id for r in (*review.fired[:1], *([review.review] if review.review else []))]
        cells = [
            str(s.week),
            f"{review.level.week}" + (" (easier)" if review.level.easier else ""),
            f"{s.done} of {s.planned}",
            _cell(s.exercise_pain),
            str(review.facts["this_week"]["pain_limit"]),
            s.next_morning or "-",
            _cell(s.usual_pain),
            OUTCOME_WORDS[review.outcome],
        ]
        row = "".join(f"<td>{escape(c)}</td>" for c in cells)
        out.append(f'<tr>{row}<td class="rule">{escape(", ".join(rules) or "-")}</td></tr>')
    out.append("</tbody></table>")
    return out


def _function_scores(progress: Progress) -> list[str]:
    course = progress.course
    if not course.psfs:
        return []
    scored = [(r.course_week, r.summary.psfs) for r in progress.reviews if r.summary.psfs]
    out = [
        f"<h2>Function: the {escape(PSFS_NAME)}</h2>",
        f"<p>The PSFS is {escape(PSFS_EXPLAINED)}.</p>",
    ]
    head = "".join(f"<th>Week {week}</th>" for week, _ in scored)
    out.append(f"<table><thead><tr><th>Activity</th><th>Start</th>{head}</tr></thead><tbody>")
    for index, (name, score) in enumerate(course.psfs):
        later = "".join(f"<td>{scores[index]}</td>" for _, scores in scored)
        out.append(f"<tr><td>{escape(name)}</td><td>{score}</td>{later}</tr>")
    out.append("</tbody></table>")
    return out


def _why_each_decision(progress: Progress) -> list[str]:
    out = ["<h2>Why each decision</h2><ul>"]
    for block in progress.blocks:
        for review in block.reviews:
            deciding = [*review.fired[:1], *([review.review] if review.review else [])]
            sources = " ".join(
                f'<small><span class="rule">{escape(r.id)}</span>: {escape(r.source)}</small>'
                for r in deciding
            )
            label = f"Block {block.block.number}, w" if len(progress.blocks) > 1 else "W"
            sentence = decision_sentence(review, block.block.weeks)
            sentence = label + sentence[1:]
            extra = [review_sentence(review) or ""]
            extra += [exercise_sentence(d) for d in review.exercises]
            out.append(
                f"<li>{escape(sentence)} {escape(' '.join(e for e in extra if e))} {sources}</li>"
            )
    out.append("</ul>")
    return out


def _chart(progress: Progress) -> list[str]:
    """The chart, described for a screen reader, and its data as a table."""
    rows = chart_rows(progress)
    start = progress.course.start_pain
    summary = "; ".join(
        f"week {r.course_week}: usual pain {_cell(r.usual_pain)}, worst in exercise "
        f"{_cell(r.exercise_pain)} (limit {r.limit}), {MARKS[r.decision][1]}"
        + (", see a clinician" if r.review else "")
        for r in rows
    )
    out = [
        '<figure role="img" aria-describedby="chart-data" aria-label="'
        + escape(f"Chart of the course. Start: usual pain {start}. {summary}.")
        + '">',
        svg_inline(progress),
        "<figcaption>Usual pain each week (solid line, circles), the worst pain during "
        "exercise (dotted line, triangles) against your own limit (dashed; 5, or your usual "
        "pain before the week when that was higher), each week's decision and any advice to "
        "see a clinician (marks on their own rows), sessions done against planned, and your "
        "three activities (PSFS). The table below lists the same data.</figcaption></figure>",
        '<table id="chart-data"><caption>The chart&#8217;s data</caption><thead><tr>'
        "<th>Week of the course</th><th>Block, week</th><th>Usual pain</th>"
        "<th>Worst pain in exercise</th><th>Your limit</th><th>Sessions done of planned</th>"
        "<th>Decision</th><th>See a clinician</th><th>PSFS</th></tr></thead><tbody>",
        f"<tr><td>0 (start)</td><td>-</td><td>{start}</td><td>-</td><td>-</td><td>-</td>"
        f"<td>-</td><td>-</td><td>{escape(_psfs(progress.course.psfs))}</td></tr>",
    ]
    for r in rows:
        cells = [
            str(r.course_week),
            f"{r.block}, {r.week}",
            _cell(r.usual_pain),
            _cell(r.exercise_pain),
            str(r.limit),
            f"{r.done} of {r.planned}",
            MARKS[r.decision][1],
            "yes" if r.review else "no",
            ", ".join(str(s) for s in r.psfs) if r.psfs else "-",
        ]
        out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return out


def _psfs(psfs: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(str(score) for _, score in psfs) if psfs else "-"
