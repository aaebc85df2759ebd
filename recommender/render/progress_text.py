"""Tracking in words: this week's adapted plan (`track status`), the end of a block,
the course (`track report`), every decision in sentences (`track explain`) and the
people a database holds (`track people`). Every one keeps the course's warning in
view: its level line when not `none`, and the safety net with the emergency number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Optional

from recommender.core.progress import PSFS_EXPLAINED, PSFS_NAME
from recommender.core.typed import escaped
from recommender.core.wording import dose_words, words
from recommender.pipeline.adapt import AdaptedWeek, BlockProgress, Progress, Review, why
from recommender.pipeline.course_warning import CourseWarning
from recommender.render.boxes import box, safety_net_box, styler, wrap
from recommender.render.phrases import DISCLAIMER as PLAN_DISCLAIMER
from recommender.render.phrases import STOP_IF_WORSE, person_text, plural
from recommender.render.progress_words import (
    OUTCOME_WORDS,
    SHORT,
    decision_sentence,
    exercise_sentence,
    level_words,
    review_sentence,
    rule_line,
    weeks_words,
)

__all__ = [
    "DISCLAIMER",
    "OUTCOME_WORDS",
    "SHORT",
    "render_block_over",
    "render_explain",
    "render_people",
    "render_report",
    "render_status",
]

#: The plan's disclaimer, and what to do if the pain changes while following it.
DISCLAIMER = f"{PLAN_DISCLAIMER} {STOP_IF_WORSE}"


def _text(lines: list[str]) -> str:
    """The lines as one text. Much of it is read back from the database (the stored
    plan, a stop's reason, PSFS activities), which another program could have written:
    each line goes through the escaping function, so nothing in it reaches the terminal
    as a control sequence."""
    return "\n".join(escaped(line) for line in lines) + "\n"


def warning_block(warning: CourseWarning) -> list[str]:
    """The level line in its box and what raised it; nothing at level `none`."""
    if warning.line is None:
        return []
    lines = box(warning.line)
    if warning.why:
        lines += wrap("Why: " + "; ".join(warning.why) + ".")
    return [*lines, ""]


def safety_lines(warning: CourseWarning) -> list[str]:
    """The escalation box (a course stopped at urgent) and the safety net."""
    lines: list[str] = []
    for net in (warning.escalation, warning.net):
        if net is not None:
            lines += ["", *safety_net_box(net, styler(False))]
    return lines


def _heading(progress: Progress, week: int) -> str:
    number = progress.course.block.number
    if number == 1:
        return f"WEEK {week} OF YOUR PLAN, AS ADAPTED"
    return f"WEEK {week} OF BLOCK {number} OF YOUR PLAN, AS ADAPTED"


def render_status(
    progress: Progress,
    week: int,
    plan: Optional[AdaptedWeek],
    warning: CourseWarning,
    today: dt.date,
) -> str:
    lines = [_heading(progress, week), ""]
    if progress.stopped:
        lines += warning_block(warning)
        lines += wrap(f"YOUR PLAN IS STOPPED: {progress.stopped}")
        lines += wrap("Please do not continue the exercises; see a clinician as advised.")
        lines += safety_lines(warning)
        return _text(lines)
    lines += warning_block(warning)
    current = progress.current
    before = [r for r in current.reviews if r.week < week]
    if before:
        last = before[-1]
        lines += wrap(
            f"Decided by your check-ins for week {last.week}: {OUTCOME_WORDS[last.outcome]}."
        )
        lines += _reasons(last, 2)
    else:
        lines += wrap("No week has been reviewed yet: this is the plan as written.")
    missing = [w for w in current.missing(today) if w < week]
    if missing:
        lines += ["", *wrap(f"No check-in for {weeks_words(missing)}.")]
    if current.reviews and current.reviews[-1].review is not None:
        sentence = review_sentence(current.reviews[-1])
        lines.append("")
        lines += wrap(f"{sentence} [{current.reviews[-1].review.id}]", 2, "! ")
    if plan is not None:
        lines += ["", f"This week uses the doses of plan week {plan.doses_of_week}:"]
        for session in plan.sessions:
            lines.append(f"  {session.day.title()} (about {session.minutes} min)")
            for adapted in session.items:
                item = adapted.item
                amount = dose_words(item.dose)
                if item.position:
                    amount += f", {words(item.position)}"
                note = {
                    "easier": f" (easier than {adapted.was})",
                    "no_easier": " (no easier version is safe for you: do fewer or gentler "
                    "repetitions)",
                    "instead": f" (in place of {adapted.was})",
                    "unsafe": f" (in place of {adapted.was}, which no longer suits your answers)",
                }.get(adapted.change or "", "")
                lines.append(f"    - {item.name}: {amount}{note}")
        for _, name in plan.left_out:
            lines += wrap(
                f"Left out: {name} (it hurt, or no longer suits your answers, and nothing "
                "gentler for the same area suits you; ask a physiotherapist about it).",
                2,
            )
    lines += safety_lines(warning)
    lines += ["", *wrap(DISCLAIMER)]
    lines.append("Each decision's rule and source: backplan track explain")
    return _text(lines)


def _reasons(review: Review, indent: int) -> list[str]:
    lines = []
    for rule in review.fired[:1]:
        lines += wrap(f"{rule.advice} [{rule.id}]", indent)
    if not review.fired:
        lines += wrap("No adaptation rule decided this week, so the dose holds.", indent)
    for decided in review.exercises:
        lines += wrap(exercise_sentence(decided), indent)
    return lines


def render_block_over(progress: Progress, today: dt.date, warning: CourseWarning) -> str:
    """The status once the block's weeks are over: it says so, names the weeks with no
    check-in, and offers the next step."""
    current = progress.current
    block = current.block
    lines = [f"YOUR {block.weeks}-WEEK BLOCK ENDED ON {block.end:%A %d %B %Y}".upper(), ""]
    lines += warning_block(warning)
    checked = sorted({r.week for r in current.reviews})
    summary = f"Block {block.number} ran from {block.start:%A %d %B %Y} to {block.end:%A %d %B %Y}."
    if checked:
        summary += f" You checked in for {weeks_words(checked)}"
        missing = current.missing(today)
        summary += f"; no check-in for {weeks_words(list(missing))}." if missing else "."
    else:
        summary += " No week was checked in."
    lines += wrap(summary)
    if current.reviews:
        last = current.reviews[-1]
        lines += [
            "",
            *wrap(f"Your last decision (week {last.week}): {OUTCOME_WORDS[last.outcome]}."),
        ]
        sentence = review_sentence(last)
        if sentence:
            lines += ["", *wrap(f"{sentence} [{last.review.id if last.review else ''}]", 2, "! ")]
    lines += _pain_line(progress)
    lines += [
        "",
        "What next:",
        *wrap(
            "To go on, plan the next block: `backplan track renew`. It asks the warning-sign "
            "questions again, then plans from the amounts you do now (or easier), in the same "
            "course. For fewer or shorter sessions: `backplan track renew --days 2 --minutes 10`.",
            2,
            "- ",
        ),
        *wrap(
            "Or stop here: nothing more is needed, and your record stays. If your pain is "
            "not clearly better, see a doctor or physiotherapist.",
            2,
            "- ",
        ),
        *wrap(
            "Until you renew, no new amounts are set: keep active in ways you can manage.",
            2,
        ),
    ]
    lines += safety_lines(warning)
    lines += ["", *wrap(DISCLAIMER)]
    return _text(lines)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _pain_line(progress: Progress) -> list[str]:
    start_pain = progress.course.start_pain
    latest = [r.summary.usual_pain for r in progress.reviews if r.summary.usual_pain is not None]
    if not latest:
        return []
    now = latest[-1]
    change = start_pain - now
    percent = f", {abs(round(100 * change / start_pain))} %" if start_pain else ""
    direction = "better" if change > 0 else "worse" if change < 0 else "no change"
    return [
        "",
        f"Usual pain: {start_pain} at the start, {now} now "
        f"({plural(abs(change), 'point')}{percent} {direction}).",
    ]


def block_summary(progress: BlockProgress, today: dt.date) -> str:
    """ "Block 2: from Monday 2 February 2026, 4 weeks, from plan week 3."""
    block = progress.block
    where = f", from plan week {block.first_plan_week}" if block.first_plan_week > 1 else ""
    weeks = plural(block.weeks, "week")
    text = f"Block {block.number}: from {block.start:%A %d %B %Y}, {weeks}{where}"
    if progress.until is not None and progress.weeks_run() < block.weeks:
        text += f" (renewed after {plural(progress.weeks_run(), 'week')})"
    missing = progress.missing(today)
    if missing:
        text += f". No check-in for {weeks_words(list(missing))}"
    return text + "."


def render_report(progress: Progress, warning: CourseWarning, today: dt.date) -> str:
    course = progress.course
    lines = ["BACKPLAN PROGRESS REPORT", f"For: {person_text(course.person.name)}", ""]
    lines += warning_block(warning)
    first = course.blocks[0]
    lines += [
        f"Started {course.start:%A %d %B %Y}; a plan of {progress.plan_weeks} weeks "
        f"(backplan {first.backplan_version}, rules {first.rules_version}).",
        f"Usual pain at the start: {course.start_pain}/10. Weeks checked in: "
        f"{len(progress.reviews)}.",
    ]
    header: tuple[str, ...] = (
        "Week",
        "Doses",
        "Sessions",
        "Exercise pain",
        "Limit",
        "Next morning",
        "Usual pain",
        "Decision",
        "Rule",
    )
    for block in progress.blocks:
        lines += ["", *wrap(block_summary(block, today))]
        rows: list[tuple[str, ...]] = [header]
        for review in block.reviews:
            s = review.summary
            decided_by = review.deciding.id if review.deciding else "-"
            if review.review is not None:
                decided_by += f", {review.review.id}"
            rows.append(
                (
                    str(s.week),
                    level_words(review.level),
                    f"{s.done}/{s.planned}",
                    _cell(s.exercise_pain),
                    str(review.facts["this_week"]["pain_limit"]),
                    _cell(s.next_morning),
                    _cell(s.usual_pain),
                    SHORT[review.outcome],
                    decided_by,
                )
            )
        if len(rows) > 1:
            widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
            lines += [
                "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                for row in rows
            ]
    lines += _pain_line(progress)
    lines += _psfs_lines(progress)
    lines += ["", "Decisions:"]
    for block in progress.blocks:
        if len(progress.blocks) > 1:
            lines.append(f"  Block {block.block.number}")
        for review in block.reviews:
            lines += wrap(decision_sentence(review, block.block.weeks), 2)
            rules = [*review.fired[:1], *([review.review] if review.review else [])]
            lines += wrap(f"[{', '.join(r.id for r in rules) or 'no rule'}]", 4)
            for decided in review.exercises:
                lines += wrap(exercise_sentence(decided), 4, "- ")
            if review.summary.new_red_flags:
                flags = ", ".join(f.replace("_", " ") for f in review.summary.new_red_flags)
                lines += wrap(f"new symptoms: {flags} (re-screen: {review.summary.rescreen})", 4)
    if progress.stopped:
        lines += ["", *wrap(f"THE PLAN IS STOPPED: {progress.stopped}")]
    lines += safety_lines(warning)
    lines += ["", *wrap(DISCLAIMER)]
    return _text(lines)


def _psfs_lines(progress: Progress) -> list[str]:
    course = progress.course
    if not course.psfs:
        return []
    scored = [(r.course_week, r.summary.psfs) for r in progress.reviews if r.summary.psfs]
    lines = ["", *wrap(f"Function, by the {PSFS_NAME}: {PSFS_EXPLAINED}.")]
    for index, (name, first) in enumerate(course.psfs):
        trail = " ".join(f"wk{week}:{scores[index]}" for week, scores in scored)
        lines.append(f"  {person_text(name)}: start {first}" + (f", {trail}" if trail else ""))
    return lines


def render_explain(progress: Progress, verbose: bool = False) -> str:
    lines = ["How each week changed your plan (the rules are in rules/adapt.yaml)", ""]
    if not progress.reviews:
        lines.append("No week has been checked in yet.")
    for block in progress.blocks:
        if len(progress.blocks) > 1:
            lines += [f"Block {block.block.number}, from {block.block.start:%A %d %B %Y}", ""]
        for review in block.reviews:
            lines += wrap(decision_sentence(review, block.block.weeks))
            for rule in review.fired[:1]:
                lines += wrap(rule_line(rule), 4)
            sentence = review_sentence(review)
            if sentence and review.review is not None:
                lines += wrap(sentence, 2, "Also: ")
                lines += wrap(rule_line(review.review), 4)
            for decided in review.exercises:
                lines += wrap(exercise_sentence(decided), 2, "- ")
                if decided.rule is not None:
                    lines += wrap(rule_line(decided.rule), 4)
            for exercise in review.unmatched:
                lines += wrap(
                    f"- You named {exercise}, which was not in that week's plan, so it "
                    "changed nothing.",
                    2,
                )
            if verbose:
                for line in why(review):
                    lines += wrap(line, 4, "engine: ")
            lines.append("")
    if progress.stopped:
        lines += wrap(f"The plan is stopped: {progress.stopped}")
    return _text(lines).rstrip("\n") + "\n"


def render_people(summaries: Sequence[Any], where: str) -> str:
    if not summaries:
        return f"No one is tracked yet in {where}.\n"
    rows = [("Id", "Name", "Added", "Courses", "Current course")]
    for s in summaries:
        if s.latest_start is None:
            course = "-"
        else:
            course = f"began {s.latest_start:%d %B %Y}, {plural(s.blocks, 'block')}"
            if s.stopped:
                course += ", stopped"
        rows.append(
            (
                str(s.person.id),
                person_text(s.person.name),
                f"{s.person.created:%Y-%m-%d}",
                str(s.courses),
                course,
            )  # fmt: skip
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"People in {where}:", ""]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines += ["", "Give --person NAME-OR-ID to any track command to mean one of them."]
    return _text(lines)
