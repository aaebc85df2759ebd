"""The illustrated catalog: `backplan exercises --format html`, and docs/catalog.html.

One self-contained page (inline CSS, inline SVG, no scripts or links out) with every
chosen exercise: its figure beside its steps, what it needs, its starting dose, its
cautions, and its easier and harder steps as links within the page. It carries no
date, so the same catalog always gives the same bytes: docs/catalog.html is this
page for the whole catalog, and a test holds it current.
"""

from __future__ import annotations

from collections.abc import Iterable

from recommender.core.catalog import Exercise
from recommender.core.wording import dose_words, words
from recommender.render.figures import svg
from recommender.render.html import _environment

TEMPLATE = "catalog.html.j2"


def render_catalog_page(exercises: Iterable[Exercise], title: str = "Exercise catalog") -> str:
    # lazy: MarkupSafe is loaded only by the commands that use it
    from markupsafe import Markup

    chosen = list(exercises)
    shown = {e.id for e in chosen}
    entries = []
    for e in chosen:
        kit = " and ".join(words(k) for k in e.equipment) or "no equipment"
        where = " or ".join(words(p) for p in e.positions)
        entries.append(
            {
                "id": e.id,
                "name": e.name,
                "about": f"{e.kind}, level {e.level}, {where}, {kit}",
                "areas": ", ".join(words(a) for a in e.areas),
                "dose": dose_words(e.dose),
                "steps": e.steps,
                "cautions": e.cautions,
                # The usual position's figure first, then one for each other position.
                "figures": [
                    (words(p).capitalize(), Markup(svg(e, position=p, motion=True)))
                    for p in e.positions
                ],
                "links": [
                    (label, target, target in shown)
                    for label, target in (("Easier", e.easier), ("Harder", e.harder))
                    if target
                ],
            }
        )
    return _environment().get_template(TEMPLATE).render(title=title, entries=entries)
