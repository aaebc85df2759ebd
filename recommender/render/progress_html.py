"""`track report --format html`: one self-contained page (no JavaScript, no external
file) with the chart as inline SVG, the weeks, function and every decision."""

from __future__ import annotations

from html import escape

from recommender.pipeline.adapt import Progress
from recommender.render.chart import svg_inline
from recommender.render.progress_text import DISCLAIMER, OUTCOME_WORDS, SHORT

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
.stop { border: 3px solid #b00; padding: .5rem 1rem; font-weight: bold; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
.rule { font-family: monospace; white-space: nowrap; }
"""


def render_report_html(progress: Progress) -> str:
    course = progress.course
    start_pain = int(course.answers.get("pain_intensity", 0))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>backplan progress report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Progress report</h1>",
        f"<p>Started {course.start:%A %d %B %Y}; a plan of {progress.plan_weeks} weeks "
        f"(backplan {escape(course.backplan_version)}, rules {escape(course.rules_version)}). "
        f"Usual pain at the start: {start_pain}/10.</p>",
    ]
    if progress.stopped:
        out.append(
            f'<p class="stop" role="alert">The plan is stopped: {escape(progress.stopped)}</p>'
        )
    summary = ", ".join(
        f"week {r.week}: usual pain {r.summary.usual_pain}, {SHORT[r.outcome]}"
        for r in progress.reviews
    )
    out += [
        '<figure role="img" aria-label="'
        + escape(f"Chart of the course. Start: usual pain {start_pain}. {summary}.")
        + '">',
        svg_inline(progress),
        "<figcaption>Usual pain each week (blue), the worst pain during exercise "
        "(pink, dotted) against the limit of 5, sessions done against planned, and each "
        "week's decision.</figcaption></figure>",
        "<h2>Week by week</h2>",
        "<table><thead><tr><th>Week</th><th>Doses of plan week</th><th>Sessions</th>"
        "<th>Worst pain in exercise</th><th>Next morning</th><th>Usual pain</th>"
        "<th>Decision</th><th>Rule</th></tr></thead><tbody>",
    ]
    for review in progress.reviews:
        s = review.summary
        rules = [r.id for r in (*review.fired[:1], *([review.review] if review.review else []))]
        cells = [
            str(s.week),
            f"{review.level.week}" + (" (easier)" if review.level.easier else ""),
            f"{s.done} of {s.planned}",
            "-" if s.exercise_pain is None else str(s.exercise_pain),
            s.next_morning or "-",
            "-" if s.usual_pain is None else str(s.usual_pain),
            OUTCOME_WORDS[review.outcome],
        ]
        row = "".join(f"<td>{escape(c)}</td>" for c in cells)
        out.append(f'<tr>{row}<td class="rule">{escape(", ".join(rules) or "-")}</td></tr>')
    out.append("</tbody></table>")
    if course.psfs:
        scored = [(r.week, r.summary.psfs) for r in progress.reviews if r.summary.psfs]
        out.append("<h2>Function: the Patient-Specific Functional Scale</h2>")
        out.append("<p>Each activity from 0 (unable) to 10 (as before the problem).</p>")
        head = "".join(f"<th>Week {week}</th>" for week, _ in scored)
        out.append(f"<table><thead><tr><th>Activity</th><th>Start</th>{head}</tr></thead><tbody>")
        for index, (name, first) in enumerate(course.psfs):
            later = "".join(f"<td>{scores[index]}</td>" for _, scores in scored)
            out.append(f"<tr><td>{escape(name)}</td><td>{first}</td>{later}</tr>")
        out.append("</tbody></table>")
    out.append("<h2>Why each decision</h2><ul>")
    for review in progress.reviews:
        for rule in (*review.fired[:1], *([review.review] if review.review else [])):
            out.append(
                f'<li>Week {review.week}: <span class="rule">{escape(rule.id)}</span> '
                f"{escape(rule.title)}. {escape(rule.advice)} <small>Source: "
                f"{escape(rule.source)}</small></li>"
            )
    out += ["</ul>", f"<p><small>{escape(DISCLAIMER)}</small></p>", "</body></html>", ""]
    return "\n".join(out)
