"""Today's session for a clinic patient whose plan was released: the session pages
(session_pages.py) over their tracked course, and its end recorded as that week's
check-in through the clinic's own check-in code (app/checkin.py's `record`), so that
the clinician's progress page, its alerts and the re-screening see it.

- `GET /session?week=N&day=D`: the week of the released plan as the check-ins so far
  adapted it (the current week, today's session, unless asked for another), the
  course's warning first, each exercise with an easier version only where it passed
  the person's filters, and the safety net. Before a plan is released, or once the
  course is over or stopped, the page says so and shows no exercise.
- `POST /session?week=N&day=D`: "how did it go?", with any new warning sign, recorded
  as a check-in; a warning found is shown at once on the answer, otherwise a redirect
  to `GET /session/done`, so that a reload cannot save it twice. A form sent again
  (the back button, a second click) is known by the check-ins the course had when its
  page was drawn, and saves nothing more.

Only the signed-in patient, for their own course: no address carries an id.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import NamedTuple, Optional, Union

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from recommender.app.checkin import Reported, record, rescreen, usual_pain_now
from recommender.app.guided import Clock
from recommender.app.tracking import week_as_adapted
from recommender.app.web import clinic_progress
from recommender.app.web.deps import SiteDep
from recommender.app.web.roles import ActorDep, PatientDep, address
from recommender.app.web.routes.clinic_checkin import symptom_questions
from recommender.app.web.session_pages import session_router, when_asked
from recommender.app.web.session_view import (
    Report,
    SessionView,
    WarningView,
    exercise_views,
    warning_of_course,
)
from recommender.app.web.site import Site, go, page
from recommender.clinic import audit, queue
from recommender.core.progress import CheckIn, pain_limit
from recommender.core.safety_net import SafetyNet
from recommender.core.typed import whole_number
from recommender.pipeline.adapt import Progress
from recommender.pipeline.choices import Choices
from recommender.pipeline.course_warning import CourseWarning
from recommender.pipeline.session import NoSession, day_index, item_of_record, todays_day
from recommender.render.html import long_date
from recommender.store.database import StoreError

#: The end's hidden mark: how many check-ins the course had when the page was drawn.
DRAWN = "drawn"

NOT_YET = (
    "Your physiotherapist has not released your plan yet, so there is no session to do. "
    "Your plan will appear on your page once they have checked it."
)
STOPPED = (
    "Your plan is stopped, so there is no session to do: please do not continue the exercises."
)
ENDED = (
    "Your {weeks}-week plan ended on {end}, so there is no session to do. Your "
    "physiotherapist will tell you what comes next."
)
NO_EXERCISE = (
    "This session has no exercise left that suits you: please ask your physiotherapist "
    "what to do instead."
)
NOTHING_DONE = "Nothing was ticked as done, so no check-in was recorded."

# One process's sends are saved one at a time, so that two clicks on Finish cannot both
# find the course without the other's check-in (replicas are told apart by the mark).
_SAVING = threading.Lock()


class Whose(NamedTuple):
    """What the end needs again: whose course, and its check-ins when drawn."""

    person_id: int
    course_id: int
    drawn: int


def _today() -> dt.date:
    return dt.date.today()


# -- the session --------------------------------------------------------------------------


def clinic_session(
    request: Request,
    site: SiteDep,
    account: PatientDep,
    actor: ActorDep,
    week: str = "",
    day: str = "",
) -> Union[SessionView, Response]:
    """The patient's session (session_pages.py's `find`), or the page that says why
    there is none. A plain function: FastAPI runs it in a worker thread, as it reads
    the database."""
    assert site.clinic is not None and account.person_id is not None
    latest = queue.latest(site.clinic, account.person_id)
    if latest is not None and latest.status in queue.AT_ONCE:
        return go(request, "/")  # their page shows the advice, at once
    followed = None
    if latest is not None and latest.status == "released":
        followed = clinic_progress.follow(site, account.person_id)
    if followed is None:
        return _nothing(request, "There is no session yet", NOT_YET)
    progress, warning = followed
    if progress.stopped or warning.level in ("urgent", "emergency"):
        return _nothing(request, "Your plan is stopped", STOPPED, warning)
    block = progress.course.block
    today = _today()
    if block.week_of(today) > block.weeks:
        end = block.start + dt.timedelta(days=7 * block.weeks - 1)
        ended = ENDED.format(weeks=block.weeks, end=long_date(end))
        return _nothing(request, "Your plan has ended", ended, warning)
    try:
        view = _view(site, progress, warning, week[:20], day[:20], today)
    except NoSession as problem:
        text = str(problem)
        return page(
            request,
            "problem.html.j2",
            status=404,
            title="There is no session there",
            lines=[text[:1].upper() + text[1:] + ".", "Your plan lists every session."],
            links=[("/session", "Today's session"), ("/plan", "Your plan")],
        )
    if request.method == "GET":
        detail = f"week {view.week} {view.day} session"
        audit.log(site.clinic, actor, "session_viewed", detail, account.person_id)
    return view


def _view(
    site: Site, progress: Progress, warning: CourseWarning, week: str, day: str, today: dt.date
) -> SessionView:
    """The session the query names in the course as adapted (NoSession for one it
    lacks, or a week not begun)."""
    block = progress.course.block
    current = clinic_progress.this_week(progress, today)
    when = when_asked(week, day, today)
    if when is None:
        raise NoSession("there is no such session: a week is a number and a day a weekday")
    number = when.week or current
    if number > current:
        raise NoSession(f"week {number} of your plan has not begun yet")
    adapted = week_as_adapted(progress, site.recommender, number)
    days = [session.day for session in adapted.sessions]
    session = adapted.sessions[day_index(days, number, when.day or todays_day(days, today))]
    catalog = site.recommender.catalog.by_id
    found = (item_of_record(item.item, catalog) for item in session.items)
    items = [item for item in found if item is not None]
    allowed = Choices(site.recommender.catalog, block.safe or ()).is_safe
    course = progress.course
    return SessionView(
        number,
        session.day,
        session.minutes,
        exercise_views(items, catalog, allowed),
        warning_of_course(warning),
        _net(warning),
        pain_limit(usual_pain_now(progress, block.start_pain)),
        "/plan",
        Clock.from_environment().speed,  # test-only (BACKPLAN_SESSION_SPEED)
        "" if items else NO_EXERCISE,
        Whose(course.person.id, course.id, len(course.checkins)),
        tuple(symptom_questions(site, course.answers.get("age"))),
        ((DRAWN, str(len(course.checkins))),),
    )


def _net(warning: CourseWarning) -> Optional[SafetyNet]:
    return warning.escalation or warning.net


def _nothing(
    request: Request, title: str, why: str, warning: Optional[CourseWarning] = None
) -> Response:
    """A session page with no exercise: the course's warning, why, and the net."""
    shown = warning_of_course(warning) if warning else WarningView("none", None, ())
    net = _net(warning) if warning else None
    view = SessionView(1, "", 0, (), shown, net, 5, "/", no_session=why)
    return page(request, "session.html.j2", title=title, session=view)


# -- the end ---------------------------------------------------------------------------


async def clinic_finish(
    request: Request, view: SessionView, report: Report
) -> Union[Sequence[str], Response]:
    """The end recorded as the week's check-in (session_pages.py's `finish`)."""
    if not report.done and not report.new_flags:
        return [NOTHING_DONE]
    return await run_in_threadpool(_save, request, view, report)


def _save(request: Request, view: SessionView, report: Report) -> Response:
    site: Site = request.app.state.site
    assert site.clinic is not None and view.no_session == ""
    whose: Whose = view.context
    actor = audit.Actor(request.state.account, address(request))
    reported = Reported(
        week=view.week,
        sessions_done=1 if report.done else 0,
        exercise_pain=report.exercise_pain,
        next_morning=None,
        usual_pain=None,
        new_flags=report.new_flags,
        psfs=None,
        hurt=report.hurt,  # by the plan's ids: the one a check-in can step back
        too_easy=(),
    )
    store = site.clinic.store
    try:
        with _SAVING:
            row = store.current_course(whose.person_id)
            if row.id != whose.course_id or _sent_before(row.checkins, report, reported):
                return go(request, "/session/done")
            block = row.blocks[-1]
            saved = record(store, row, block, reported, _today(), {}, lambda: site.recommender)
    except StoreError:
        return _not_saved(request, site, whose, report)
    detail = f"week {view.week} {view.day} session checked in"
    audit.log(site.clinic, actor, "checkin", detail, whose.person_id)
    if saved.found is not None and saved.found.level != "none":
        return page(
            request,
            "clinic/checkin_warning.html.j2",
            title="Please read this now",
            stopped=saved.stopped,
            found=saved.found,
            saved_line="Your session was saved as this week's check-in.",
        )
    return go(request, "/session/done")


def _sent_before(checkins: Sequence[CheckIn], report: Report, reported: Reported) -> bool:
    """Whether this very end was saved already: a check-in the same as this one, added
    since the page was drawn."""
    drawn = whole_number(dict(report.marks).get(DRAWN, ""))
    since = checkins[drawn or 0 :]
    return any(
        (c.week, c.sessions_done, c.exercise_pain, c.next_morning, c.usual_pain)
        == (reported.week, reported.sessions_done, reported.exercise_pain, None, None)
        and tuple(c.hurt) == reported.hurt
        and tuple(c.new_red_flags) == reported.new_flags
        for c in since
    )


def _not_saved(request: Request, site: Site, whose: Whose, report: Report) -> Response:
    """The check-in could not be kept: a new symptom's warning is shown all the same
    (a warning never waits on a save); otherwise, try again."""
    if report.new_flags:
        assert site.clinic is not None
        answers = site.clinic.store.current_course(whose.person_id).answers
        found = rescreen(answers, report.new_flags, site.recommender).triage
        if found.level != "none":
            return page(
                request,
                "clinic/checkin_warning.html.j2",
                status=503,
                title="Please read this now",
                stopped=found.level in ("urgent", "emergency"),
                found=found,
                saved_line=(
                    "Your session could not be saved: please tell your physiotherapist "
                    "about this symptom yourself."
                ),
                unsaved=True,
            )
    return page(
        request,
        "problem.html.j2",
        status=503,
        title="Your session could not be saved",
        lines=[
            "Something went wrong on our side, and your session did not reach your "
            "physiotherapist. Please send it again in a few minutes, or check in for the "
            "week from your page.",
            "If you feel very unwell, do not wait: call your local emergency number.",
        ],
    )


# -- after the end ----------------------------------------------------------------------


class Saved(NamedTuple):
    """The check-in a session's end saved, in words."""

    week: int
    day: str
    lines: tuple[str, ...]


def _saved(progress: Progress, site: Site) -> Optional[Saved]:
    if not progress.course.checkins:
        return None
    last = progress.course.checkins[-1]
    names = {e.id: e.name for e in site.recommender.catalog}
    lines = []
    if last.exercise_pain is not None:
        lines.append(f"The highest pain during the exercises: {last.exercise_pain} out of 10.")
    if last.hurt:
        lines.append("Hurt: " + ", ".join(names.get(e, e) for e in last.hurt) + ".")
    if last.new_red_flags:
        told = ", ".join(flag.replace("_", " ") for flag in last.new_red_flags)
        lines.append(f"New symptoms you told us about: {told}.")
    return Saved(last.week, long_date(last.recorded.date()), tuple(lines))


def session_done(request: Request, site: SiteDep, account: PatientDep) -> Response:
    """What the last session's end saved, and the course's warning."""
    assert site.clinic is not None and account.person_id is not None
    followed = clinic_progress.follow(site, account.person_id)
    saved = _saved(followed.progress, site) if followed is not None else None
    if followed is None or saved is None:
        return go(request, "/")
    warning = followed.warning
    return page(
        request,
        "clinic/session_saved.html.j2",
        title="Session finished",
        saved=saved,
        stopped=bool(followed.progress.stopped),
        warning=warning_of_course(warning),
        net=_net(warning),
    )


router = session_router(clinic_session, clinic_finish)
router.add_api_route("/session/done", session_done, methods=["GET"])
