"""The emergency stop and its one way out (what holds the stop is in stop.py).

The warning page names the emergency number; "I answered a question by mistake" leads
to a page of its own that repeats what to do if the answer was right, and only its
button clears the answers the warning read, so that they are asked again.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from recommender.app.web import emergency_page, stop
from recommender.app.web.deps import SiteDep, StateDep, checked_form
from recommender.app.web.site import go, page
from recommender.core.paths import drop_path
from recommender.pipeline.triage import level_action

router = APIRouter(include_in_schema=False)


@router.get("/emergency")
async def emergency(request: Request, site: SiteDep, state: StateDep) -> Response:
    if not site.emergencies(state):
        return go(request, "/")
    return emergency_page.warning(request, site, state)


@router.get("/emergency/mistake")
async def mistake(request: Request, site: SiteDep, state: StateDep) -> Response:
    if not state.stop:
        return go(request, "/emergency" if site.emergencies(state) else "/")
    number = site.number(state)
    return page(
        request,
        "mistake.html.j2",
        title="Did you answer by mistake?",
        action=level_action("emergency", number),
        number=number,
        flags=[f for f in site.emergencies(state) if f.id in state.stop],
    )


@router.post("/emergency/mistake", dependencies=[Depends(checked_form)])
async def answered_by_mistake(request: Request, site: SiteDep, state: StateDep) -> Response:
    if not state.stop:
        return go(request, "/")
    read = stop.answers_read(site, state)
    for key in read:
        drop_path(state.answers, key)
    changed = [s.number for s in site.sections if any(q.key in read for q in s.questions)]
    state.done = [n for n in state.done if n not in changed]
    state.withdrawn = sorted({*state.withdrawn, *state.stop})
    state.stop = []
    first = site.first_open(state)
    return go(request, f"/questions/{first}" if first else "/review", state)
