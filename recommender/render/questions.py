"""The intake's questions as a person sees them, one at a time or all together."""

from __future__ import annotations

import textwrap

from recommender.inputs.questionnaire import Question, Questionnaire, choices


def prompt_text(question: Question, progress: str, width: int = 78) -> str:
    """The question as shown: progress, the question, its help and numbered choices,
    wrapped to `width` (the terminal's, in the intake)."""
    pad = " " * (len(progress) + 1)
    lines = textwrap.wrap(
        " ".join(question.ask.split()),
        width=width,
        initial_indent=progress + " ",
        subsequent_indent=pad,
    )
    if question.help:
        lines += textwrap.wrap(
            " ".join(question.help.split()), width=width, initial_indent=pad, subsequent_indent=pad
        )
    for option in choices(question):
        lines += textwrap.wrap(
            f"{option.number}) {option.words}",
            width=width,
            initial_indent=f"{pad}  ",
            subsequent_indent=f"{pad}     ",
        )
    return "\n".join(lines)


def render_questions(questionnaire: Questionnaire) -> str:
    """Every intake question in order, with its answers-file key."""
    lines: list[str] = []
    total = len(questionnaire.questions)
    for number, question in enumerate(questionnaire.questions, 1):
        if question.group:
            lines += ["", question.group]
        progress = f"[{number}/{total}]"
        lines.append(prompt_text(question, progress))
        pad = " " * (len(progress) + 1)
        for part in question.or_ask:  # asked in turn after a "no"; yes to any is yes
            lines += textwrap.wrap(
                " ".join(f"If no: {part.ask} {part.help}".split()),
                width=78,
                initial_indent=pad,
                subsequent_indent=pad + " " * len("If no: "),
            )
        lines.append(f"{' ' * (len(str(number)) + len(str(total)) + 4)}key: {question.key}")
    return "\n".join(lines).lstrip("\n") + "\n"


def render_questions_reference(questionnaire: Questionnaire) -> str:
    """Every question as Markdown tables, one per group, in the order asked: the body
    of docs/answers.md's question list (generated, so it cannot drift)."""
    lines: list[str] = []
    country = questionnaire.country
    lines += [
        "### Asked first",
        "",
        "| key | question | |",
        "|---|---|---|",
        f"| `country` | {' '.join(country.ask.split())} | optional |",
    ]
    for question in questionnaire.questions:
        if question.group:
            lines += ["", f"### {question.group.split(' (')[0]}", ""]
            if question.intro:
                lines += [" ".join(question.intro.split()), ""]
            lines += ["| key | question | |", "|---|---|---|"]
        notes = []
        if question.from_age is not None:
            notes.append(f"asked from age {question.from_age} (below it: no)")
        if question.or_ask:
            notes.append(f"asked as {len(question.parts())} questions: yes to any is yes")
        if question.default is not None:
            default = question.default
            shown = ", ".join(default) or "none" if isinstance(default, list) else default
            notes.append(f"default {shown}")
        text = question.full_text().replace("|", "\\|")
        lines.append(f"| `{question.key}` | {text} | {'; '.join(notes)} |")
    return "\n".join(lines) + "\n"
