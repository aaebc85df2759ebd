"""The whole result as clean Markdown: warnings, plan, how-to, notes and sources.

Each exercise's figure is an SVG file beside the Markdown (`-o plan.md` writes them in
`plan-figures/`, `figure_files` gives them), linked from the how-to; written to standard
output the text carries no figures unless asked (`--embed-figures`: data URIs), only a
note that the printable versions have them, so a plan stays a few kilobytes of text."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from recommender import __version__
from recommender.core.wording import words
from recommender.pipeline.plan import Plan, Prescription
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL, Triage
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
from recommender.render.text import group_sessions


def escape(text: str) -> str:
    """Person-supplied text made inert: no Markdown formatting and no raw HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~])", r"\\\1", text)


def _plain(text: str) -> str:
    return " ".join(text.split())


#: Said once, where the figures would be, when the text carries none.
NO_FIGURES = (
    "*The pictures of each exercise are in the web page and the printable versions of this plan.*"
)


def render(result: Result, options: RenderOptions) -> str:
    return render_markdown(result, produced=options.produced, figures=options.figures)


def figure_folder(markdown_name: str) -> str:
    """The folder beside a Markdown file that holds its figures ("plan-figures")."""
    stem = markdown_name.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.lower().endswith(".md") else stem
    return f"{stem}-figures"


def figure_files(result: Result) -> dict[str, str]:
    """Every figure the plan's how-to shows, by file name, as standalone SVG."""
    if result.plan is None:
        return {}
    # lazy: the figure code and its poses, off a Markdown plan without figures (~26 ms)
    from recommender.render.figures import figure_for, file_name, svg

    return {
        file_name(p.exercise, p.position): svg(p.exercise, standalone=True, position=p.position)
        for p in result.plan.prescriptions()
        if figure_for(p.exercise, p.position) is not None
    }


def render_markdown(result: Result, produced: dt.datetime, figures: Optional[str] = None) -> str:
    """The result as Markdown, in the terminal's order: the warning, the plan or why
    there is none, how to do each exercise, notes, the safety net, sources."""
    answers = result.answers
    name = f" for {escape(person_text(answers.name))}" if answers.name else ""
    out: list[str] = [f"# backplan: plan{name}", ""]
    out += _warning(result.triage)
    if result.plan is None:
        if result.withheld is not None:
            out += [f"**No exercise plan is given.** {_plain(result.withheld.reason)}", ""]
        else:
            out += [f"**{NO_PLAN_UNTIL_SEEN}**", ""]
    else:
        out += _plan(result, result.plan)
        out += _how_to(result.plan, figures)
    if result.notes:
        out += ["## Notes", ""]
        out += [f"- **{note.title}:** {_plain(note.text)}" for note in result.notes]
        out.append("")
    out += _safety_net_and_sources(result)
    out += [
        "---",
        "",
        f"Produced by backplan {__version__} on {produced.date().isoformat()}. {DISCLAIMER}",
    ]
    return "\n".join(out) + "\n"


def _warning(found: Triage) -> list[str]:
    if found.level == "none":
        return [f"**{found.action}.**", ""]
    out = [f"> **{found.action}**", ">"]
    for flag in found.shown_flags:
        level = LEVEL_WORDS[flag.level]
        out.append(f"> - **{flag.title}** ({level}): {_plain(flag.advice)}")
    if found.also_tell:
        out += [">", f"> **{ALSO_TELL}**", ">"]
        out += [f"> - {title}" for title in found.also_tell]
    out.append("")
    if found.escalation is not None:
        out += [f"> **{found.escalation.title}:**", ">"]
        out += [f"> - {sign}" for sign in found.escalation.signs]
        out.append("")
    return out


def _plan(result: Result, plan: Plan) -> list[str]:
    out = [
        f"## Your plan: {plan_summary(result.answers, len(plan.weeks))}",
        "",
        FOLLOW_THE_PLAN,
        "",
    ]
    out += [line for sentence in plan.unused_equipment for line in (sentence, "")]
    for week in plan.weeks:
        out += [f"### Week {week.number}", ""]
        out += [f"> {note}\n" for note in week.notes]
        for days, session in group_sessions(week):
            out += [
                f"**{days}** (about {session.minutes} min)",
                "",
                "| # | Exercise | Dose |",
                "|---|---|---|",
            ]
            for n, item in enumerate(session.exercises, 1):
                out.append(f"| {n} | {item.exercise.name} | {item_words(item)} |")
            out.append("")
        if week.walking is not None:
            out += [walking_words(week.walking), ""]
    return out


def _how_to(plan: Plan, figures: Optional[str]) -> list[str]:
    out = ["## How to do each exercise", ""]
    if figures is None:
        out += [NO_FIGURES, ""]
    for item in plan.prescriptions():
        exercise = item.exercise
        kit = " and ".join(words(e) for e in exercise.equipment) or "no equipment"
        out += [f"### {exercise.name}", "", f"*{exercise.kind}, {words(item.position)}, {kit}*", ""]
        out += _figure(item, figures)
        out += [f"{n}. {step}" for n, step in enumerate(exercise.steps, 1)]
        if item.dose.effort:
            out += ["", f"*{how_hard(item)}*"]
        out += ["", "**Take care:**", ""]
        out += [f"- {caution}" for caution in exercise.cautions]
        out.append("")
    return out


def _figure(item: Prescription, figures: Optional[str]) -> list[str]:
    """The exercise's figure: embedded ("embed"), a file in the folder `figures`
    names, or nothing (None, or no figure for this position)."""
    if figures is None:
        return []
    # lazy: the figure code and its poses, the slowest part of a Markdown plan to load,
    # only where figures are asked for (~26 ms)
    from recommender.render.figures import data_uri, figure_for, file_name

    exercise = item.exercise
    if figure_for(exercise, item.position) is None:
        return []
    alt = f"{exercise.name}: how to move, {words(item.position)}"
    if figures == "embed":
        target = data_uri(exercise, item.position)
    else:
        target = f"{figures}/{file_name(exercise, item.position)}"
    return [f"![{alt}]({target})", ""]


def _safety_net_and_sources(result: Result) -> list[str]:
    out: list[str] = []
    net = result.safety_net
    if net is not None:
        out += [f"> **{net.title}:**", ">"]
        out += [f"> - {sign}" for sign in net.signs]
        out += [">", f"> **{net.review}**", ""]
    sources = sorted({_plain(f.source) for f in result.fired})
    if net is not None:
        sources.append(f"Safety net: {net.source}")
    if sources:
        out += ["## Sources", ""]
        out += [f"- {source}" for source in sources]
        out.append("")
    return out
