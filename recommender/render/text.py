"""The terminal rendering: the warning first and unmissable, then the plan, then notes.

Plain ASCII, wrapped at 78 columns in a file or a pipe, so the same answers give the
same bytes anywhere; on a terminal the caller passes the terminal's own width (40 to
100 columns, app/output.py), so that the warning box and the dose lines never break
across the screen. Colour is only ever added on top of words that already say
everything.
"""

from __future__ import annotations

from collections.abc import Callable

from recommender.core.safety_net import SafetyNet
from recommender.core.wording import words
from recommender.pipeline.plan import Plan, Prescription, Session, Week
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL, Triage
from recommender.render import RenderOptions
from recommender.render.boxes import WIDTH, box, safety_net_box, styler, wrap
from recommender.render.phrases import (
    DISCLAIMER,
    FOLLOW_THE_PLAN,
    LEVEL_WORDS,
    NO_PLAN_UNTIL_SEEN,
    WHY_WORDS,
    how_hard,
    item_words,
    person_text,
    plan_summary,
    walking_words,
)

_LEVEL_COLOR = {"emergency": "red", "urgent": "red", "soon": "yellow", "none": "green"}


def render(result: Result, options: RenderOptions) -> str:
    return render_text(result, color=options.color, width=options.width)


def render_text(result: Result, color: bool = False, width: int = WIDTH) -> str:
    style = styler(color)
    lines: list[str] = []
    name = person_text(result.answers.name) if result.answers.name else None
    lines.append(style(f"backplan: {'plan for ' + name if name else 'your result'}", bold=True))
    lines.append("")
    lines += _warning(result.triage, style, width)
    lines.append("")
    if result.plan is not None:
        lines += _plan(result, result.plan, style, width)
    else:
        lines += _no_plan(result, width)
    lines.append("")
    if result.notes:
        lines.append(style("NOTES", bold=True))
        for note in result.notes:
            lines += wrap(f"{note.title}: {note.text}", 2, "* ", width)
        lines.append("")
    if result.safety_net is not None:
        lines += safety_net_box(result.safety_net, style, width)
        lines.append("")
    lines += wrap(DISCLAIMER, width=width)
    lines += wrap(WHY_WORDS, width=width)
    return "\n".join(lines) + "\n"


def _warning(found: Triage, style: Callable[..., str], width: int = WIDTH) -> list[str]:
    colour = _LEVEL_COLOR[found.level]
    if found.level == "none":
        return [style(line, fg=colour, bold=True) for line in wrap(found.action + ".", width=width)]
    lines = [style(line, fg=colour, bold=True) for line in box(found.action, width=width)]
    lines.append("")
    lines.append(style("Why:", bold=True))
    for flag in found.shown_flags:
        lines += wrap(f"{flag.title} ({LEVEL_WORDS[flag.level]})", 2, "! ", width)
        lines += wrap(flag.advice, 4, width=width)
    if found.also_tell:
        lines.append("")
        lines.append(style(ALSO_TELL, bold=True))
        for title in found.also_tell:
            lines += wrap(title, 2, "- ", width)
    if found.escalation is not None:
        lines.append("")
        lines += safety_net_box(found.escalation, style, width)
    return lines


def render_warning(found: Triage, color: bool = False, width: int = WIDTH) -> str:
    """The triage level and every flag's advice on their own, for standard error when
    the result itself goes to a file, a pipe or a machine format."""
    return "\n".join(_warning(found, styler(color), width)) + "\n"


def _no_plan(result: Result, width: int = WIDTH) -> list[str]:
    if result.withheld is not None:
        return wrap(f"No exercise plan is given. {result.withheld.reason}", width=width)
    return wrap(NO_PLAN_UNTIL_SEEN, width=width)


def _plan(result: Result, plan: Plan, style: Callable[..., str], width: int = WIDTH) -> list[str]:
    lines = [
        style(line, bold=True)
        for line in wrap(f"YOUR PLAN: {plan_summary(result.answers, len(plan.weeks))}", width=width)
    ]
    lines += wrap(FOLLOW_THE_PLAN, width=width)
    for sentence in plan.unused_equipment:
        lines += ["", *wrap(sentence, width=width)]
    for week in plan.weeks:
        lines.append("")
        lines.append(style(f"Week {week.number}", bold=True, underline=True))
        for note in week.notes:
            lines += wrap(note, 2, "> ", width)
        for days, session in group_sessions(week):
            lines += wrap(f"{days} (about {session.minutes} min)", 2, width=width)
            for n, item in enumerate(session.exercises, 1):
                lines += dose_line(f"{n}. ", item.exercise.name, item_words(item), width)
        if week.walking is not None:
            lines += wrap(walking_words(week.walking), 2, width=width)
    lines.append("")
    lines.append(style("HOW TO DO EACH EXERCISE", bold=True))
    for item in plan.prescriptions():
        lines.append("")
        lines += _how_to(item, style, width)
    return lines


def dose_line(number: str, name: str, dose: str, width: int = WIDTH) -> list[str]:
    """`    1. Cat-cow ........ 2 sets of 8`: the name, dots, and the dose at the right
    edge. When the two do not fit on one line together, the name wraps and the dots
    and dose follow on a line of their own, so no line is ever wider than `width`."""
    label = f"    {number}{name} "
    dots = width - len(label) - len(dose) - 1
    if dots >= 2:
        return [f"{label}{'.' * dots} {dose}"]
    pad = " " * (4 + len(number))
    lines = wrap(name, 4, number, width)
    dots = width - len(pad) - len(dose) - 1
    if dots < 2:  # a long amount (a narrow terminal): it wraps under the name
        return [*lines, *wrap(dose, len(pad), width=width)]
    return [*lines, f"{pad}{'.' * dots} {dose}"]


def group_sessions(week: Week) -> list[tuple[str, Session]]:
    """Each group of identical sessions once, labelled with all its days."""
    return [(", ".join(day_label(s) for s in group), group[0]) for group in week.session_groups()]


def day_label(session: Session) -> str:
    day = session.day.capitalize()
    return f"{day} {session.date.isoformat()}" if session.date else day


def _how_to(item: Prescription, style: Callable[..., str], width: int = WIDTH) -> list[str]:
    exercise = item.exercise
    kit = " and ".join(words(e) for e in exercise.equipment) or "no equipment"
    about = f"({exercise.kind}, {words(item.position)}, {kit})"
    if len(exercise.name) + len(about) + 3 <= width:
        lines = [f"  {style(exercise.name, bold=True)} {about}"]
    else:  # the name alone, then what it needs beneath it
        names = [
            f"  {style(line.strip(), bold=True)}" for line in wrap(exercise.name, 2, width=width)
        ]
        lines = [*names, *wrap(about, 4, width=width)]
    for n, step in enumerate(exercise.steps, 1):
        lines += wrap(step, 4, f"{n}. ", width)
    if item.dose.effort:
        lines += wrap(how_hard(item), 4, width=width)
    for caution in exercise.cautions:
        lines += wrap(caution, 4, "Take care: ", width)
    return lines


def render_stopped(found: Triage, color: bool = False, width: int = WIDTH) -> str:
    """The intake's emergency stop: the warning, and why the questions ended there."""
    style = styler(color)
    lines = _warning(found, style, width)
    lines.append("")
    lines += wrap(
        "The questions stopped here: this needs help now, not an exercise plan. Please "
        "do not start any exercises.",
        width=width,
    )
    return "\n".join(lines) + "\n"


def render_withheld_early_text(reason: str, net: SafetyNet, width: int = WIDTH) -> str:
    """The intake stopped by a withholding rule before the warning-sign questions."""
    lines = wrap(f"No exercise plan is given. {reason}", width=width)
    lines.append("")
    lines += wrap(
        "The questions stopped here, because no plan can follow whatever the other "
        "answers are. The warning signs were not asked about, so keep this in mind:",
        width=width,
    )
    lines.append("")
    lines += box(net.title + ":", bullets=net.signs, width=width)
    return "\n".join(lines) + "\n"
