"""The pages' own files: style sheets, the script and the icon, read once when the app
is made (site.py) and served from memory."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from recommender.app.web.deps import SiteDep

router = APIRouter(include_in_schema=False)


@router.get("/static/{name}")
async def static(site: SiteDep, name: str) -> Response:
    if name not in site.static:
        return Response("Not found", status_code=404, media_type="text/plain")
    body, media = site.static[name]
    return Response(body, media_type=media)


@router.get("/favicon.ico")
async def favicon(site: SiteDep) -> Response:
    """Browsers ask for it on every first visit; an SVG serves them all."""
    body, media = site.static["favicon.svg"]
    return Response(body, media_type=media)
