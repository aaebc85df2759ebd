"""Where a command's output goes: the terminal, or a file written whole.

A result is either shown on standard output or written to `-o FILE` once it is
complete, so a file is never left half-written. Warnings always reach the terminal
(standard error), whatever happens to the result (docs/clinical-safety.md,
H-WARNING-UNSEEN).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import click

from recommender.core.errors import BackplanError
from recommender.pipeline.triage import Triage


def color_wanted(output: Optional[str]) -> bool:
    """Colour only on a terminal, and never with NO_COLOR (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or output:
        return False
    return sys.stdout.isatty()


def emit(text: str, output: Optional[str] = None) -> None:
    """Print `text`, or write it to `output` whole: nothing is left half-written."""
    if not output or output == "-":
        click.echo(text, nl=False, color=color_wanted(output))
        return
    import tempfile

    target = Path(output)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackplanError(f"cannot write {output}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def say(text: str) -> None:
    """A line of conversation or news for the person: always on standard error."""
    click.echo(text, err=True)


def warn_beside(found: Triage, fmt: str, output: Optional[str], always: bool = False) -> None:
    """Show the warning on the terminal (stderr) when the result itself goes elsewhere.

    When the result is text on stdout the person reads the warning there; in a file, a
    machine format or a pipe they might never see it. `plan` does this at urgent and
    emergency; the intake, where a person is waiting at the terminal for their answer,
    at every level (`always`).
    """
    if not (always or found.withholds_plan):
        return
    if fmt == "text" and not output and sys.stdout.isatty():
        return  # the person is reading the warning on stdout already
    from recommender.render.text import render_warning

    click.echo(render_warning(found, color=color_wanted(None)), err=True, nl=False)
