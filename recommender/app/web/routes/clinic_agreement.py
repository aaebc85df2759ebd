"""backplan's triage against the clinicians' own (clinic/agreement.py): the table and
its counts, and the same as CSV. Counts only, so clinicians and the admin both see it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from recommender.app.web.clinic_review_page import LEVEL_WORDS
from recommender.app.web.deps import SiteDep
from recommender.app.web.roles import ActorDep
from recommender.app.web.site import page
from recommender.clinic import audit
from recommender.clinic.agreement import agreement, as_csv
from recommender.clinic.review import LEVELS

router = APIRouter(include_in_schema=False)


@router.get("/agreement")
def agreement_page(request: Request, site: SiteDep, actor: ActorDep) -> Response:
    assert site.clinic is not None
    table = agreement(site.clinic)
    audit.log(site.clinic, actor, "agreement_viewed", f"{table.total} results counted")
    return page(
        request,
        "clinic/agreement.html.j2",
        title="Triage agreement",
        table=table,
        levels=[(level, LEVEL_WORDS[level]) for level in LEVELS],
        nav="agreement",
    )


@router.get("/agreement.csv")
def agreement_export(request: Request, site: SiteDep, actor: ActorDep) -> Response:
    assert site.clinic is not None
    table = agreement(site.clinic)
    audit.log(site.clinic, actor, "agreement_exported", f"{table.total} results as CSV")
    return Response(
        as_csv(table).encode(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="backplan-triage-agreement.csv"'},
    )
