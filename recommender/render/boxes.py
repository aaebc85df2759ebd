"""Wrapped lines and ruled boxes for the terminal, and the safety-net box in them.

Kept apart from text.py (the plan's renderer, which loads the pipeline) so that a
tracking check-in can show the warning and the safety net without loading it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import click

from recommender.core.safety_net import SafetyNet

#: The width of text written to a file or a pipe.
WIDTH = 78


def styler(color: bool) -> Callable[..., str]:
    def style(text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if color else text  # type: ignore[arg-type]

    return style


def wrap(text: str, indent: int = 0, first: str = "", width: int = WIDTH) -> list[str]:
    """`text` wrapped to `width`, the first line starting with `first`."""
    pad = " " * indent
    return textwrap.wrap(
        " ".join(text.split()),
        width=width,
        initial_indent=pad + first,
        subsequent_indent=pad + " " * len(first),
        break_on_hyphens=False,  # never split a rule id such as RF-CES-SADDLE
    ) or [pad + first]


def box(
    *paragraphs: str,
    bullets: tuple[str, ...] = (),
    after: tuple[str, ...] = (),
    width: int = WIDTH,
) -> list[str]:
    """A ruled box `width` columns wide: `paragraphs`, then `bullets` as a list, then
    `after`. Every line is exactly `width` long, so a terminal that wide never breaks it."""
    inner = width - 4
    body: list[str] = []
    for text in paragraphs:
        body += textwrap.wrap(" ".join(text.split()), width=inner, break_on_hyphens=False)
    for text in bullets:
        body += textwrap.wrap(
            " ".join(text.split()), width=inner, initial_indent="- ", subsequent_indent="  "
        )
    for text in after:
        body += textwrap.wrap(" ".join(text.split()), width=inner) or [""]
    rule = "+" + "-" * (width - 2) + "+"
    return [rule, *(f"| {line.ljust(inner)} |" for line in body), rule]


def safety_net_box(net: SafetyNet, style: Callable[..., str], width: int = WIDTH) -> list[str]:
    """The fixed safety-net box (core/safety_net.py), in bold on a terminal."""
    after = ("", net.review) if net.review else ()
    lines = box(net.title + ":", bullets=net.signs, after=after, width=width)
    return [style(line, bold=True) for line in lines]
