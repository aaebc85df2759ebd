"""The clinic's admin: the audit log (every view and change of a patient's record,
every sign-in), newest first, and all of it as CSV. The log names records by number
and never holds health data, so an admin reads it without reading any patient's
answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from recommender.app.web.deps import SiteDep
from recommender.app.web.roles import ActorDep, AdminDep
from recommender.app.web.site import page
from recommender.clinic import audit

router = APIRouter(include_in_schema=False)

#: Entries the page shows (the export holds every one).
SHOWN = 500


@router.get("/admin")
def audit_page(request: Request, site: SiteDep, admin: AdminDep, actor: ActorDep) -> Response:
    assert site.clinic is not None
    entries = audit.entries(site.clinic, limit=SHOWN)
    audit.log(site.clinic, actor, "audit_viewed", f"the latest {len(entries)} entries")
    return page(
        request,
        "clinic/audit.html.j2",
        title="Audit log",
        entries=entries,
        nav="audit",
        shown=SHOWN,
    )


@router.get("/admin/audit.csv")
def audit_export(request: Request, site: SiteDep, admin: AdminDep, actor: ActorDep) -> Response:
    assert site.clinic is not None
    entries = audit.entries(site.clinic)
    audit.log(site.clinic, actor, "audit_exported", f"{len(entries)} entries as CSV")
    return Response(
        audit.as_csv(entries).encode(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="backplan-audit.csv"'},
    )
