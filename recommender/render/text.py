"""The terminal rendering: the warning first and unmissable, then the plan, then notes.

Plain ASCII, wrapped at a fixed width, so it reads the same in any terminal, file or
pipe; colour is only ever added on top of words that already say everything.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import click

from recommender.core.safety_net import SafetyNet
from recommender.core.wording import words
from recommender.pipeline.plan import Plan, Prescription, Session, Week
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import Triage
from recommender.render import RenderOptions
from recommender.render.phrases import (
    DISCLAIMER,
    FOLLOW_THE_PLAN,
    LEVEL_WORDS,
    NO_PLAN_UNTIL_SEEN,
    how_hard,
    item_words,
    person_text,
    plan_summary,
    walking_words,
)

WIDTH = 78
_LEVEL_COLOR = {"emergency": "red", "urgent": "red", "soon": "yellow", "none": "green"}


def styler(color: bool) -> Callable[..., str]:
    def style(text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if color else text  # type: ignore[arg-type]

    return style


def wrap(text: str, indent: int = 0, first: str = "") -> list[str]:
    """`text` wrapped to WIDTH, the first line starting with `first`."""
    pad = " " * indent
    return textwrap.wrap(
        " ".join(text.split()),
        width=WIDTH,
        initial_indent=pad + first,
        subsequent_indent=pad + " " * len(first),
        break_on_hyphens=False,  # never split a rule id such as RF-CES-SADDLE
    ) or [pad + first]


def box(*paragraphs: str, bullets: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> list[str]:
    """A ruled box: `paragraphs`, then `bullets` as a list, then `after`."""
    inner = WIDTH - 4
    body: list[str] = []
    for text in paragraphs:
        body += textwrap.wrap(" ".join(text.split()), width=inner, break_on_hyphens=False)
    for text in bullets:
        body += textwrap.wrap(
            " ".join(text.split()), width=inner, initial_indent="- ", subsequent_indent="  "
        )
    for text in after:
        body += textwrap.wrap(" ".join(text.split()), width=inner) or [""]
    rule = "+" + "-" * (WIDTH - 2) + "+"
    return [rule, *(f"| {line.ljust(inner)} |" for line in body), rule]


def safety_net_box(net: SafetyNet, style: Callable[..., str]) -> list[str]:
    """The fixed safety-net box (recommender/safety_net.py), in bold on a terminal."""
    lines = box(net.title + ":", bullets=net.signs, after=("", net.review))
    return [style(line, bold=True) for line in lines]


def render(result: Result, options: RenderOptions) -> str:
    return render_text(result, color=options.color, explain_args=options.explain_args)


def render_text(result: Result, color: bool = False, explain_args: str = "--answers FILE") -> str:
    style = styler(color)
    lines: list[str] = []
    name = person_text(result.answers.name) if result.answers.name else None
    lines.append(style(f"backplan: {'plan for ' + name if name else 'your result'}", bold=True))
    lines.append("")
    lines += _warning(result.triage, style)
    lines.append("")
    if result.plan is not None:
        lines += _plan(result, result.plan, style)
    else:
        lines += _no_plan(result)
    lines.append("")
    if result.notes:
        lines.append(style("NOTES", bold=True))
        for note in result.notes:
            lines += wrap(f"{note.title}: {note.text}", 2, "* ")
        lines.append("")
    if result.safety_net is not None:
        lines += safety_net_box(result.safety_net, style)
        lines.append("")
    lines += wrap(DISCLAIMER)
    lines += wrap("Every decision here comes from a rule with its clinical source. To see them:")
    lines.append(f"    backplan explain {explain_args}")
    return "\n".join(lines) + "\n"


def _warning(found: Triage, style: Callable[..., str]) -> list[str]:
    colour = _LEVEL_COLOR[found.level]
    if found.level == "none":
        return [style(found.action + ".", fg=colour, bold=True)]
    lines = [style(line, fg=colour, bold=True) for line in box(found.action)]
    lines.append("")
    lines.append(style("Why:", bold=True))
    for flag in found.flags:
        lines += wrap(f"{flag.title} ({LEVEL_WORDS[flag.level]}) [{flag.id}]", 2, "! ")
        lines += wrap(flag.advice, 4)
    return lines


def render_warning(found: Triage, color: bool = False) -> str:
    """The triage level and every flag's advice on their own, for standard error when
    the result itself goes to a file, a pipe or a machine format."""
    return "\n".join(_warning(found, styler(color))) + "\n"


def _no_plan(result: Result) -> list[str]:
    if result.withheld is not None:
        return wrap(f"No exercise plan is given. {result.withheld.reason}")
    return wrap(NO_PLAN_UNTIL_SEEN)


def _plan(result: Result, plan: Plan, style: Callable[..., str]) -> list[str]:
    lines = [style(f"YOUR PLAN: {plan_summary(result.answers, len(plan.weeks))}", bold=True)]
    lines += wrap(FOLLOW_THE_PLAN)
    for week in plan.weeks:
        lines.append("")
        lines.append(style(f"Week {week.number}", bold=True, underline=True))
        for note in week.notes:
            lines += wrap(note, 2, "> ")
        for days, session in group_sessions(week):
            lines.append(f"  {days} (about {session.minutes} min)")
            for n, item in enumerate(session.exercises, 1):
                label = f"    {n}. {item.exercise.name} "
                dose = item_words(item)
                dots = "." * max(2, WIDTH - len(label) - len(dose) - 1)
                if len(label) + len(dose) + 3 > WIDTH:  # a long line: the amount below
                    lines += [label.rstrip(), f"{' ' * 7}{dose}"]
                else:
                    lines.append(f"{label}{dots} {dose}")
        if week.walking is not None:
            lines += wrap(walking_words(week.walking), 2)
    lines.append("")
    lines.append(style("HOW TO DO EACH EXERCISE", bold=True))
    for item in plan.prescriptions():
        lines.append("")
        lines += _how_to(item, style)
    return lines


def group_sessions(week: Week) -> list[tuple[str, Session]]:
    """Each group of identical sessions once, labelled with all its days."""
    return [(", ".join(day_label(s) for s in group), group[0]) for group in week.session_groups()]


def day_label(session: Session) -> str:
    day = session.day.capitalize()
    return f"{day} {session.date.isoformat()}" if session.date else day


def _how_to(item: Prescription, style: Callable[..., str]) -> list[str]:
    exercise = item.exercise
    kit = " and ".join(words(e) for e in exercise.equipment) or "no equipment"
    lines = [
        f"  {style(exercise.name, bold=True)} ({exercise.kind}, {words(item.position)}, {kit})"
    ]
    for n, step in enumerate(exercise.steps, 1):
        lines += wrap(step, 4, f"{n}. ")
    if item.dose.effort:
        lines += wrap(how_hard(item), 4)
    for caution in exercise.cautions:
        lines += wrap(caution, 4, "Take care: ")
    return lines


def render_stopped(found: Triage, color: bool = False) -> str:
    """The intake's emergency stop: the warning, and why the questions ended there."""
    style = styler(color)
    lines = _warning(found, style)
    lines.append("")
    lines += wrap(
        "The questions stopped here: this needs help now, not an exercise plan. Please "
        "do not start any exercises."
    )
    return "\n".join(lines) + "\n"
