"""The course as a chart: weekly usual pain, the worst pain during exercise, sessions
done against planned, and each week's decision marked. matplotlib is imported here
alone, when a chart is drawn, and draws on a Figure of its own (the Agg/SVG canvases;
no pyplot, no window, no global state)."""

from __future__ import annotations

import io

from recommender.pipeline.adapt import Progress

#: Each decision's colour and label on the chart (colour-blind-safe Okabe-Ito colours,
#: and a word, so colour is never the only cue).
MARKS = {
    "progress": ("#009E73", "progress", "^"),
    "hold": ("#E69F00", "hold", "s"),
    "step_back": ("#D55E00", "step back", "v"),
    "adherence": ("#56B4E9", "keep dose", "D"),
    "stop": ("#000000", "STOP", "X"),
}
#: Up to this many weeks each decision is written above its week; a longer course gets
#: a marker per week (its shape and colour named in a legend), so nothing overlaps.
WORDS_UP_TO = 12
PAIN_LIMIT = 5  # the pain-monitoring model's limit during exercise (rules/adapt.yaml)


def draw(progress: Progress, fmt: str = "svg") -> bytes:
    """The chart as SVG (for the HTML report) or PNG (to look at), byte-identical for
    the same course."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    reviews = progress.reviews
    start_pain = int(progress.course.answers.get("pain_intensity", 0))
    weeks = [r.week for r in reviews]
    told = [r for r in reviews if r.summary.usual_pain is not None]
    usual_x = [0] + [r.week for r in told]
    usual_y = [start_pain] + [r.summary.usual_pain for r in told]
    hurt = [r for r in reviews if r.summary.exercise_pain is not None]
    worst_x, worst_y = [r.week for r in hurt], [r.summary.exercise_pain for r in hurt]
    with matplotlib.rc_context(
        {"svg.hashsalt": "backplan", "svg.fonttype": "none", "font.size": 10}
    ):
        figure = Figure(figsize=(8, 5.2), layout="constrained")
        pain, sessions = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.2]})
        pain.axhspan(PAIN_LIMIT, 10.5, color="#D55E00", alpha=0.07, lw=0)
        pain.axhline(PAIN_LIMIT, color="#D55E00", lw=1, ls="--")
        pain.text(0.05, PAIN_LIMIT + 0.15, "limit during exercise (5)", color="#A04000", fontsize=8)
        pain.plot(
            usual_x,
            usual_y,
            color="#0072B2",
            marker="o",
            lw=2,
            label="usual pain this week",
        )
        if hurt:
            pain.plot(
                worst_x,
                worst_y,
                color="#CC79A7",
                marker="^",
                lw=1,
                ls=":",
                label="worst pain during exercise",
            )
        pain.set_ylim(0, 10.5)
        pain.set_ylabel("pain (0-10)")
        pain.set_title("Your course: pain, sessions and each week's decision", loc="left")
        for review in reviews:
            colour, label, marker = MARKS[review.outcome]
            if review.outcome != "progress":
                pain.axvline(review.week, color=colour, lw=0.8, alpha=0.4)
            if len(reviews) <= WORDS_UP_TO:
                pain.text(review.week, 10.2, label, color=colour, ha="center", va="top",
                          fontsize=8, fontweight="bold")  # fmt: skip
        if len(reviews) > WORDS_UP_TO:
            for outcome, (colour, label, marker) in MARKS.items():
                weeks_with = [r.week for r in reviews if r.outcome == outcome]
                if weeks_with:
                    pain.scatter(weeks_with, [9.9] * len(weeks_with), color=colour,
                                 marker=marker, s=18, label=f"decision: {label}")  # fmt: skip
        pain.legend(loc="lower left", fontsize=8, frameon=False, ncols=2)
        planned = [r.summary.planned for r in reviews]
        done = [r.summary.done for r in reviews]
        sessions.bar(weeks, planned, color="#DDDDDD", width=0.6, label="planned")
        sessions.bar(weeks, done, color="#0072B2", width=0.35, label="done")
        sessions.set_ylabel("sessions")
        sessions.set_xlabel("week (0 = start)")
        sessions.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
        top = max(planned + [1])
        sessions.set_ylim(0, top + 1.5)
        last = max(weeks + [1])
        pain.set_xlim(-0.5, last + 0.5)
        step = 1 if last <= 16 else 2 if last <= 32 else 4
        sessions.set_xticks(range(0, last + 1, step))
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def svg_inline(progress: Progress) -> str:
    """The SVG chart ready to sit inside an HTML page (no XML prologue or DOCTYPE)."""
    text = draw(progress, "svg").decode("utf-8")
    return text[text.index("<svg") :]
