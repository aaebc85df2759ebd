"""Today's session in the browser, as a router that any part of the web app includes
with its own source of sessions: the public app (routes/session.py) and the clinic.

- `GET {prefix}/session?week=N&day=D`: with the script (static/session.js), one
  exercise a screen with its figure large, a countdown for holds and rests, next,
  easier and skip; without it, the session's list with its doses. Then "how did it
  go?" (templates/session_end.html.j2).
- `POST {prefix}/session?week=N&day=D`: that form, checked against the session; the
  page that says what was done (templates/session_done.html.j2).

`session_router(find, finish)` makes the router:

- `find` is a FastAPI dependency that returns the `SessionView` to draw, or a
  `Response` to send instead (a redirect, a page of its own). It may take the query's
  `week` and `day` as strings (`When` reads them) and any dependency of its own, such
  as the clinic's roles; FastAPI runs it once a request.
- `finish(request, view, report)` is awaited with what the person said at the end
  (`Report`, checked) and returns the lines the last page adds (the clinic: "saved as
  this week's check-in"), or a `Response` of its own (a redirect after saving).

The week and day in the address say which session, never anything about the person.
"""

# No `from __future__ import annotations` here: the routes' annotations name the
# dependency made inside `session_router`, which FastAPI must see as an object, not
# as a string it would look up among the module's names.
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Optional, Union

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from recommender.app.web.models import SessionEndFormDep
from recommender.app.web.session_view import (
    BadReport,
    Report,
    SessionView,
    When,
    report_of,
    summary,
)
from recommender.app.web.site import page
from recommender.core.typed import whole_number
from recommender.core.wording import WEEKDAYS

Found = Union[SessionView, Response]
Finish = Callable[[Request, SessionView, Report], Awaitable[Union[Sequence[str], Response]]]

#: The words of the end's form, named by its fields (a refused form names its field).
FIELDS = {
    "done": "Which exercises did you do?",
    "easier": "The easier versions chosen",
    "hurt": "Did any of them hurt?",
    "exercise_pain": "The highest pain during the exercises",
    "symptom": "Since your last check-in, have you had any of these?",
}


def session_router(find: Callable[..., Any], finish: Finish, prefix: str = "") -> APIRouter:
    """The session pages under `prefix`, drawing what `find` finds (see the module)."""
    router = APIRouter(prefix=prefix, include_in_schema=False)

    @router.get("/session")
    async def session_page(request: Request, found: Annotated[Found, Depends(find)]) -> Response:
        if isinstance(found, Response):
            return found
        return page(request, "session.html.j2", title="Today's session", session=found)

    @router.post("/session")
    async def session_end(
        request: Request, data: SessionEndFormDep, found: Annotated[Found, Depends(find)]
    ) -> Response:
        if isinstance(found, Response):
            return found
        try:
            report = report_of(data.fields, found)
        except BadReport as bad:
            return page(
                request,
                "problem.html.j2",
                status=400,
                title="This form could not be read",
                lines=[f"{FIELDS.get(str(bad), str(bad))}: that answer is not one of the form's."],
            )
        shown = await finish(request, found, report)
        if isinstance(shown, Response):
            return shown
        return page(
            request,
            "session_done.html.j2",
            title="Session finished",
            session=found,
            summary=summary(found, report),
            lines=list(shown),
        )

    return router


def when_asked(week: str, day: str, today: Any) -> Optional[When]:
    """The session the query names (`week` 1 to 12, `day` a weekday; either may be left
    out), or None when either is something else."""
    number = whole_number(week.strip()) if week.strip() else None
    if week.strip() and (number is None or not 1 <= number <= 12):
        return None
    name = day.strip().lower() or None
    if name is not None and name not in WEEKDAYS:
        return None
    return When(number, name, today)
