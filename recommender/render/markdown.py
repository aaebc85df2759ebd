"""The whole result as clean Markdown: warnings, plan, how-to (each exercise with its
figure as an embedded SVG data URI), notes and sources."""

from __future__ import annotations

import datetime as dt
import re

from recommender import __version__
from recommender.core.wording import words
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL
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


def render(result: Result, options: RenderOptions) -> str:
    return render_markdown(result, produced=options.produced)


def render_markdown(result: Result, produced: dt.datetime) -> str:
    answers = result.answers
    name = f" for {escape(person_text(answers.name))}" if answers.name else ""
    out: list[str] = [f"# backplan: plan{name}", ""]

    found = result.triage
    if found.level == "none":
        out += [f"**{found.action}.**", ""]
    else:
        out += [f"> **{found.action}**", ">"]
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

    if result.plan is None:
        if result.withheld is not None:
            out += [f"**No exercise plan is given.** {_plain(result.withheld.reason)}", ""]
        else:
            out += [f"**{NO_PLAN_UNTIL_SEEN}**", ""]
    else:
        out += [
            f"## Your plan: {plan_summary(answers, len(result.plan.weeks))}",
            "",
            FOLLOW_THE_PLAN,
            "",
        ]
        for week in result.plan.weeks:
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
        out += ["## How to do each exercise", ""]
        from recommender.render.figures import data_uri, figure_for

        for item in result.plan.prescriptions():
            exercise = item.exercise
            kit = " and ".join(words(e) for e in exercise.equipment) or "no equipment"
            out += [
                f"### {exercise.name}",
                "",
                f"*{exercise.kind}, {words(item.position)}, {kit}*",
                "",
            ]
            if figure_for(exercise, item.position) is not None:
                # The figure travels inside the file, as an SVG data URI: nothing to fetch.
                alt = f"{exercise.name}: start and end positions, {words(item.position)}"
                out += [f"![{alt}]({data_uri(exercise, item.position)})", ""]
            out += [f"{n}. {step}" for n, step in enumerate(exercise.steps, 1)]
            if item.dose.effort:
                out += ["", f"*{how_hard(item)}*"]
            out += ["", "**Take care:**", ""]
            out += [f"- {caution}" for caution in exercise.cautions]
            out.append("")

    if result.notes:
        out += ["## Notes", ""]
        out += [f"- **{note.title}:** {_plain(note.text)}" for note in result.notes]
        out.append("")

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

    out += [
        "---",
        "",
        f"Produced by backplan {__version__} on {produced.date().isoformat()}. {DISCLAIMER}",
    ]
    return "\n".join(out) + "\n"
