"""`backplan clinic`: what a practice does on the command line (add its clinicians and
its admin); everything else happens in `backplan serve --clinic`."""

from __future__ import annotations

from typing import Optional

import click

from recommender.app.output import emit


@click.group()
@click.option(
    "--db",
    metavar="URL",
    help="The clinic's database: a file path, sqlite:///PATH or postgresql://USER@HOST/NAME "
    "(default: $BACKPLAN_DB, else a private file in your data folder).",
)
@click.pass_context
def clinic(ctx: click.Context, db: Optional[str]) -> None:
    """Run backplan for a clinic: accounts for clinicians and an admin.

    \b
    backplan clinic add-clinician EMAIL        a clinician, with a one-time set-up link
    backplan clinic add-clinician EMAIL --admin    the clinic's admin (the audit log)
    backplan serve --clinic                    the clinic's web app (docs/clinic.md)
    """
    ctx.obj = db  # what the commands are given (click.pass_obj): the --db URL


@clinic.command("add-clinician")
@click.argument("email")
@click.option("--admin", is_flag=True, help="An admin account (the audit log), not a clinician.")
@click.option(
    "--site",
    metavar="URL",
    default="http://127.0.0.1:8000",
    show_default=True,
    envvar="BACKPLAN_SITE_URL",
    help="The address patients and clinicians open ($BACKPLAN_SITE_URL), for the link.",
)
@click.pass_obj
def add_clinician(db_url: Optional[str], email: str, admin: bool, site: str) -> None:
    """Add a clinician (or with --admin, an admin) and print a one-time set-up link.

    The link works once, for 7 days: whoever opens it chooses the password. backplan
    sends no email: pass the link on yourself. For an account made but not set up yet,
    a new link (the old one stops working).
    """
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.clinic.accounts import add_staff
    from recommender.clinic.db import ClinicDB

    db = ClinicDB.open(db_url)
    try:
        invite = add_staff(db, email, "admin" if admin else "clinician")
    finally:
        db.close()
    role = "admin" if admin else "clinician"
    emit(
        f"Set-up link for the {role} {email.strip().lower()} (works once, until "
        f"{invite.expires:%d %B %Y %H:%M} UTC):\n"
        f"  {site.rstrip('/')}/invite/{invite.code}\n"
        f"or open {site.rstrip('/')}/invite and type the code {invite.code}\n"
    )
