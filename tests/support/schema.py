"""The schema the code is at: its revision and every table a migrated database holds,
for the store's tests on SQLite and on PostgreSQL alike."""

from __future__ import annotations

HEAD = "0003"
TABLES = {
    "backplan_alembic_version",
    "backplan_people",
    "backplan_courses",
    "backplan_blocks",
    "backplan_plans",
    "backplan_checkins",
    # the clinic's (revision 0003): empty in a personal database
    "backplan_accounts",
    "backplan_care",
    "backplan_sessions",
    "backplan_invites",
    "backplan_sign_in_failures",
    "backplan_audit",
    "backplan_drafts",
    "backplan_submissions",
    "backplan_decisions",
    "backplan_deletions",
}
