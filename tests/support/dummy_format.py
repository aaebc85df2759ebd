"""A made-up output format, for the test that follows CONTRIBUTING.md's recipe for a new
one (tests/render/test_format_recipe.py): a module with `render(result, options)`
under recommender/render/, and one entry in `FORMATS`. Nothing is registered on
import; `register` does it, and the test undoes it."""

from __future__ import annotations

import sys
from types import ModuleType

from recommender.pipeline.recommend import Result
from recommender.render import FORMATS, Download, Format, RenderOptions, render_result

NAME = "dummy"
MODULE = f"recommender.render.{NAME}"
#: The first line of everything the format writes, so that a test can tell it apart.
MARK = "DUMMY FORMAT"


def module(careful: bool = True) -> ModuleType:
    """The format's module. A careful one writes what the text format writes; a careless
    one only the level, with no safety net, and speaks of exercise where there is no
    plan: the safety tests must catch both."""
    made = ModuleType(MODULE)

    def render(result: Result, options: RenderOptions) -> str:
        if careful:
            return f"{MARK}\n{render_result(result, 'text', options)}"
        return f"{MARK}\nYour level: {result.triage.level}. Gentle exercise may continue.\n"

    # A module made at run time: mypy knows no `render` on ModuleType until it is set.
    made.render = render  # type: ignore[attr-defined]
    return made


def entry() -> Format:
    return Format(NAME, "text/plain; charset=utf-8", Download("backplan-dummy.txt", "Dummy text"))


def register(careful: bool = True) -> None:
    """Step 1 and 2 of the recipe: the module, and its line in FORMATS."""
    sys.modules[MODULE] = module(careful)
    FORMATS[NAME] = entry()
