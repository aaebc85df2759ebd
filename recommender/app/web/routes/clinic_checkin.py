"""The weekly check-in in the browser: the same questions as `backplan track checkin`
(sessions done, the worst pain during the exercises, the next morning, the usual pain,
which exercises hurt or were too easy, new symptoms, and every two weeks the PSFS),
stored and acted on by the same code (app/checkin.py's `record`): a new symptom
re-screens the answers, and an urgent or emergency one stops the plan at once, with
its warning shown on the page that answers the check-in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from fastapi import APIRouter, Request
from fastapi.responses import Response

from recommender.app.checkin import Reported, record
from recommender.app.tracking import red_flag_names
from recommender.app.web import clinic_progress
from recommender.app.web.deps import SiteDep
from recommender.app.web.models import FieldsForm, FieldsFormDep
from recommender.app.web.roles import ActorDep, PatientDep
from recommender.app.web.site import Site, go, page
from recommender.clinic import audit
from recommender.clinic.accounts import Account
from recommender.core.progress import NEXT_MORNING, PSFS_EVERY_WEEKS, PSFS_EXPLAINED
from recommender.core.typed import whole_number

router = APIRouter(include_in_schema=False)

MORNING_WORDS = {"better": "Better", "same": "The same", "worse": "Worse"}


def _today() -> dt.date:
    return dt.date.today()


def _followed(site: Site, account: Account) -> Optional[clinic_progress.Followed]:
    assert account.person_id is not None
    found = clinic_progress.follow(site, account.person_id)
    if found is None or found.progress.stopped:
        return None
    return found


@router.get("/check-in")
def checkin_page(request: Request, site: SiteDep, account: PatientDep) -> Response:
    followed = _followed(site, account)
    if followed is None:
        return go(request, "/")
    week = clinic_progress.this_week(followed.progress, _today())
    return _form(request, site, followed, {"week": str(week)}, {}, 200)


def symptom_questions(site: Site, age: Any) -> list[tuple[str, str]]:
    """The warning signs a check-in asks about, (name, question), as the intake asks
    them at the person's age (the session's end in the clinic asks the same)."""
    questions = {q.key: q for q in site.questionnaire.questions}
    return [
        (name, " ".join(questions[f"red_flags.{name}"].full_text().split()))
        for name in red_flag_names()
        if f"red_flags.{name}" in questions and not questions[f"red_flags.{name}"].skipped(age)
    ]


def _form(
    request: Request,
    site: Site,
    followed: clinic_progress.Followed,
    sent: dict[str, Any],
    errors: dict[str, str],
    status: int,
) -> Response:
    progress = followed.progress
    block = progress.course.block
    current = clinic_progress.this_week(progress, _today())
    week = whole_number(str(sent.get("week", ""))) or current
    week = min(max(week, 1), block.weeks)
    planned = clinic_progress.week_plan(site, progress, week)
    listed = [(a.item.id, a.item.name) for a in planned.items()]
    symptoms = symptom_questions(site, progress.course.answers.get("age"))
    psfs = progress.course.psfs if week % PSFS_EVERY_WEEKS == 0 else ()
    return page(
        request,
        "clinic/checkin.html.j2",
        status=status,
        title="Check in" if not errors else "Please check: check in",
        weeks=list(range(1, current + 1)),
        week=week,
        days=", ".join(s.day.capitalize() for s in planned.sessions),
        exercises=listed,
        symptoms=symptoms,
        psfs=psfs,
        psfs_explained=PSFS_EXPLAINED,
        mornings=[(m, MORNING_WORDS[m]) for m in NEXT_MORNING],
        sent=sent,
        errors=errors,
    )


@router.post("/check-in")
def check_in(
    request: Request, site: SiteDep, account: PatientDep, actor: ActorDep, data: FieldsFormDep
) -> Response:
    assert site.clinic is not None
    followed = _followed(site, account)
    if followed is None:
        return go(request, "/")
    progress = followed.progress
    reported, errors = _read(data, progress, site)
    if reported is None:
        sent = {key: data.one(key, 20) for key in data.fields} | {
            key: data.many(key) for key in ("hurt", "too_easy", "symptom")
        }
        return _form(request, site, followed, sent, errors, 422)
    store = site.clinic.store
    row = store.current_course(progress.course.person.id, with_checkins=False)
    saved = record(store, row, row.blocks[-1], reported, _today(), {}, lambda: site.recommender)
    audit.log(site.clinic, actor, "checkin", f"week {reported.week} checked in", account.person_id)
    if saved.found is not None and saved.found.level != "none":
        return page(
            request,
            "clinic/checkin_warning.html.j2",
            title="Please read this now",
            stopped=saved.stopped,
            found=saved.found,
        )
    return go(request, "/")


def _read(data: FieldsForm, progress: Any, site: Site) -> tuple[Optional[Reported], dict[str, str]]:
    """The check-in as sent, or a message for each answer that needs another look."""
    block = progress.course.block
    errors: dict[str, str] = {}

    def number(name: str, high: int, message: str, needed: bool = True) -> Optional[int]:
        text = data.one(name, 10).strip()
        if not text and not needed:
            return None
        value = whole_number(text)
        if value is None or value > high:
            errors[name] = message
            return None
        return value

    current = clinic_progress.this_week(progress, _today())
    week = number("week", current, "Select the week this check-in is for")
    done = number("done", 7, "Enter how many sessions you did, a number from 0 to 7")
    pain = number("exercise_pain", 10, "Enter the worst pain during the exercises, from 0 to 10")
    usual = number("usual_pain", 10, "Enter your usual pain this week, from 0 to 10")
    morning = data.one("next_morning", 10)
    if morning not in NEXT_MORNING:
        errors["next_morning"] = "Select how the pain was the next morning"
    safe = {s.id for s in block.safe or ()}
    hurt = tuple(dict.fromkeys(e for e in data.many("hurt") if e in safe))
    too_easy = tuple(dict.fromkeys(e for e in data.many("too_easy") if e in safe))
    known = set(red_flag_names())
    flags = tuple(sorted({f for f in data.many("symptom") if f in known}))
    psfs = _psfs(data, progress, week, errors)
    if errors or week is None or done is None:
        return None, errors
    return Reported(week, done, pain, morning, usual, flags, psfs, hurt, too_easy), errors


def _psfs(
    data: FieldsForm, progress: Any, week: Optional[int], errors: dict[str, str]
) -> Optional[tuple[int, ...]]:
    activities = progress.course.psfs
    if not activities or week is None or week % PSFS_EVERY_WEEKS:
        return None
    scores = []
    for index, (name, _) in enumerate(activities):
        value = whole_number(data.one(f"psfs{index}", 10).strip())
        if value is None or value > 10:
            errors[f"psfs{index}"] = f"Enter a score from 0 to 10 for {name}"
        else:
            scores.append(value)
    return tuple(scores) if len(scores) == len(activities) else None
