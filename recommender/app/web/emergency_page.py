"""The emergency warning page, drawn from the answers: the page at /emergency, and the
same page sent in place of a redirect when the clinic could not save the answers that
raised it (saved.py), so that a warning never depends on a save."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from recommender.app.web.site import Site, page
from recommender.app.web.state import State
from recommender.pipeline.triage import level_action


def warning(request: Request, site: Site, state: State, saved: bool = True) -> HTMLResponse:
    number = site.number(state)
    return page(
        request,
        "emergency.html.j2",
        title="Emergency: get help now",
        action=level_action("emergency", number),
        number=number,
        flags=site.emergencies(state),
        saved=saved,
    )
