"""Tracking in words: this week's adapted plan (`track status`), the course
(`track report`) and every decision's rule (`track explain`)."""

from __future__ import annotations

from typing import Any, Optional

from recommender.core.typed import escaped
from recommender.pipeline.adapt import Progress, Review, why
from recommender.render.phrases import plural
from recommender.render.text import wrap

#: Each outcome as the person reads it.
OUTCOME_WORDS = {
    "progress": "progress: next week as planned",
    "hold": "hold: repeat this week's doses",
    "step_back": "step back: the previous week's doses, or easier variants",
    "adherence": "keep the dose, in fewer or shorter sessions",
    "stop": "stop: see a clinician",
}
SHORT = {
    "progress": "progress",
    "hold": "hold",
    "step_back": "step back",
    "adherence": "keep dose",
    "stop": "STOP",
}
DISCLAIMER = (
    "Not a diagnosis, and not a substitute for a doctor or physiotherapist. If the pain "
    "becomes much worse, or a new symptom worries you, stop and get advice."
)


def _text(lines: list[str]) -> str:
    """The lines as one text. Much of it is read back from the database (the stored
    plan, a stop's reason, PSFS activities), which another program could have written:
    each line goes through the escaping function, so nothing in it reaches the terminal
    as a control sequence."""
    return "\n".join(escaped(line) for line in lines) + "\n"


def dose_words(exercise: dict[str, Any]) -> str:
    """An exercise's dose from its plan item (SPEC section 6 keys), in words."""
    parts = []
    if exercise.get("minutes"):
        parts.append(f"{exercise['minutes']} min")
    if exercise.get("sets"):
        parts.append(plural(exercise["sets"], "set"))
    if exercise.get("reps"):
        parts.append(plural(exercise["reps"], "rep"))
    if exercise.get("hold_seconds"):
        parts.append(f"hold {exercise['hold_seconds']} s")
    if exercise.get("per_side"):
        parts.append("each side")
    if exercise.get("position"):
        parts.append(str(exercise["position"]))
    return ", ".join(parts) or "as shown"


def _level_words(review_level: Any) -> str:
    easier = f", easier variants x{review_level.easier}" if review_level.easier else ""
    return f"plan wk {review_level.week}{easier}"


def render_status(progress: Progress, week: int, plan: Optional[dict[str, Any]]) -> str:
    lines = [f"WEEK {week} OF YOUR PLAN, AS ADAPTED", ""]
    if progress.stopped:
        lines += wrap(f"YOUR PLAN IS STOPPED: {progress.stopped}")
        lines += wrap("Please do not continue the exercises; see a clinician as advised.")
        return _text(lines)
    before = [r for r in progress.reviews if r.week < week]
    if before:
        last = before[-1]
        lines += wrap(
            f"Decided by your check-ins for week {last.week}: {OUTCOME_WORDS[last.outcome]}."
        )
        lines += _reasons(last, 2)
    else:
        lines += wrap("No week has been reviewed yet: this is the plan as written.")
    if progress.reviews and progress.reviews[-1].review is not None:
        rule = progress.reviews[-1].review
        lines.append("")
        lines += wrap(f"{rule.advice} [{rule.id}]", 2, "! ")
    if plan is not None:
        lines += ["", f"This week uses the doses of plan week {plan['doses_of_week']}:"]
        for session in plan.get("sessions", []):
            lines.append(f"  {session['day'].title()} (about {session.get('minutes', '?')} min)")
            for exercise in session.get("exercises", []):
                note = (
                    f" (easier than {exercise['easier_than']})" if "easier_than" in exercise else ""
                )
                if exercise.get("no_easier"):
                    note += " (no easier version is safe for you: do fewer or gentler repetitions)"
                lines.append(f"    - {exercise['name']}: {dose_words(exercise)}{note}")
    lines += ["", *wrap(DISCLAIMER)]
    lines.append("Each decision's rule and source: backplan track explain")
    return _text(lines)


def _reasons(review: Review, indent: int) -> list[str]:
    lines = []
    rules = [*review.fired[:1]]
    for rule in rules:
        lines += wrap(f"{rule.advice} [{rule.id}]", indent)
    if not review.fired:
        lines += wrap("No adaptation rule decided this week, so the dose holds.", indent)
    return lines


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def render_report(progress: Progress) -> str:
    course = progress.course
    start_pain = int(course.answers.get("pain_intensity", 0))
    lines = [
        "BACKPLAN PROGRESS REPORT",
        "",
        f"Started {course.start:%A %d %B %Y}; a plan of {progress.plan_weeks} weeks "
        f"(backplan {course.backplan_version}, rules {course.rules_version}).",
        f"Usual pain at the start: {start_pain}/10. Weeks checked in: {len(progress.reviews)}.",
        "",
    ]
    header = (
        "Week",
        "Doses",
        "Sessions",
        "Exercise pain",
        "Next morning",
        "Usual pain",
        "Decision",
        "Rule",
    )
    rows = [header]
    for review in progress.reviews:
        s = review.summary
        decided_by = review.deciding.id if review.deciding else "-"
        if review.review is not None:
            decided_by += f", {review.review.id}"
        rows.append(
            (
                str(s.week),
                _level_words(review.level),
                f"{s.done}/{s.planned}",
                _cell(s.exercise_pain),
                _cell(s.next_morning),
                _cell(s.usual_pain),
                SHORT[review.outcome],
                decided_by,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.append("")
    latest = [r.summary.usual_pain for r in progress.reviews if r.summary.usual_pain is not None]
    if latest:
        now = latest[-1]
        change = start_pain - now
        percent = f", {abs(round(100 * change / start_pain))} %" if start_pain else ""
        direction = "better" if change > 0 else "worse" if change < 0 else "no change"
        lines.append(
            f"Usual pain: {start_pain} at the start, {now} now "
            f"({plural(abs(change), 'point')}{percent} {direction})."
        )
    lines += _psfs_lines(progress)
    lines += ["", "Decisions:"]
    for review in progress.reviews:
        label = OUTCOME_WORDS[review.outcome]
        lines += wrap(f"week {review.week}: {label}", 2)
        for rule in (*review.fired[:1], *([review.review] if review.review else [])):
            lines += wrap(f"{rule.id}: {rule.title}", 4)
        if review.summary.new_red_flags:
            flags = ", ".join(f.replace("_", " ") for f in review.summary.new_red_flags)
            lines += wrap(f"new symptoms: {flags} (re-screen: {review.summary.rescreen})", 4)
    if progress.stopped:
        lines += ["", *wrap(f"THE PLAN IS STOPPED: {progress.stopped}")]
    lines += ["", *wrap(DISCLAIMER)]
    return _text(lines)


def _psfs_lines(progress: Progress) -> list[str]:
    course = progress.course
    if not course.psfs:
        return []
    scored = [(r.week, r.summary.psfs) for r in progress.reviews if r.summary.psfs]
    lines = ["Function (Patient-Specific Functional Scale, 0 unable to 10 as before):"]
    for index, (name, first) in enumerate(course.psfs):
        trail = " ".join(f"wk{week}:{scores[index]}" for week, scores in scored)
        lines.append(f"  {name}: start {first}" + (f", {trail}" if trail else ""))
    return lines


def render_explain(progress: Progress) -> str:
    lines = ["Adaptation decisions, week by week (rules/adapt.yaml)", ""]
    if not progress.reviews:
        lines.append("No week has been checked in yet.")
    for review in progress.reviews:
        lines.append(f"Week {review.week}: {OUTCOME_WORDS[review.outcome]}")
        for line in why(review):
            lines += wrap(line, 4, "- ")
        for rule in (*review.fired[:1], *([review.review] if review.review else [])):
            lines += wrap(f"source of {rule.id}: {rule.source}", 4)
        lines.append("")
    if progress.stopped:
        lines += wrap(f"The plan is stopped: {progress.stopped}")
    return _text(lines).rstrip("\n") + "\n"
