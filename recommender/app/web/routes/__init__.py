"""The web app's routes, one router per concern (each module's `router`):

- questionnaire.py: the start page, the questions page by page, the review;
- emergency.py: the emergency stop and the step that lifts it;
- result.py: the result page and its downloads;
- session.py: today's session, one exercise at a time (the pages are
  session_pages.py's, which the clinic includes with a source of its own);
- api.py: the JSON API and its documentation page;
- static.py: the style sheets, the script and the icon.

PUBLIC lists them all: the app anyone can use, keeping no answers.

The clinic's routers (`backplan serve --clinic`) are listed in clinic.py, with the
roles each serves; the app imports it only for the clinic.
"""

from __future__ import annotations

from fastapi import APIRouter

from recommender.app.web.routes import api, emergency, questionnaire, result, session, static

PUBLIC: tuple[APIRouter, ...] = tuple(
    module.router for module in (api, questionnaire, emergency, result, session, static)
)
