"""The clinic: accounts and who cares for whom, sessions, invites, failed sign-ins, an
append-only audit log, the answers a patient has saved so far, the results sent for
review and the clinicians' decisions, and requests to delete a record.

Nothing existing changes: a personal database gains these tables empty. The audit log
refuses UPDATE and DELETE in the database itself (a trigger on SQLite and on
PostgreSQL, which also refuses TRUNCATE), so that no code path, ours or a console's,
can rewrite what happened.

Revision ID: 0003
Revises: 0002
Create Date: 2027-02-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = "the audit log is append-only"


def _fk(column: str, target: str, name: str, **kwargs: Any) -> sa.Column[int]:
    return sa.Column(column, sa.Integer, sa.ForeignKey(target, name=name), **kwargs)


def upgrade() -> None:
    _accounts_and_care()
    _sessions_invites_and_failures()
    _audit()
    op.create_table(
        "backplan_drafts",
        _fk(
            "account_id",
            "backplan_accounts.id",
            "fk_backplan_drafts_account_id",
            primary_key=True,
        ),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("raised", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    _submissions_and_decisions()
    op.create_table(
        "backplan_deletions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("confirmed_by", sa.Integer, nullable=True),
        sa.Column("confirmed_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_backplan_deletions_person_id", "backplan_deletions", ["person_id"])


def _accounts_and_care() -> None:
    op.create_table(
        "backplan_accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        _fk(
            "person_id",
            "backplan_people.id",
            "fk_backplan_accounts_person_id",
            nullable=True,
            unique=True,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_sign_in", sa.DateTime, nullable=True),
    )
    op.create_table(
        "backplan_care",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _fk("person_id", "backplan_people.id", "fk_backplan_care_person_id", nullable=False),
        _fk(
            "clinician_id",
            "backplan_accounts.id",
            "fk_backplan_care_clinician_id",
            nullable=False,
        ),
        sa.Column("since", sa.DateTime, nullable=False),
        sa.Column("until", sa.DateTime, nullable=True),
    )
    op.create_index("ix_backplan_care_person_id", "backplan_care", ["person_id"])
    op.create_index("ix_backplan_care_clinician_id", "backplan_care", ["clinician_id"])


def _sessions_invites_and_failures() -> None:
    op.create_table(
        "backplan_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        _fk(
            "account_id",
            "backplan_accounts.id",
            "fk_backplan_sessions_account_id",
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_backplan_sessions_account_id", "backplan_sessions", ["account_id"])
    op.create_table(
        "backplan_invites",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        _fk("account_id", "backplan_accounts.id", "fk_backplan_invites_account_id", nullable=True),
        _fk("person_id", "backplan_people.id", "fk_backplan_invites_person_id", nullable=True),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "backplan_sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_backplan_sign_in_failures_key", "backplan_sign_in_failures", ["key"])
    op.create_index("ix_backplan_sign_in_failures_at", "backplan_sign_in_failures", ["at"])


def _audit() -> None:
    op.create_table(
        "backplan_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor_id", sa.Integer, nullable=True),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("person_id", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
    )
    op.create_index("ix_backplan_audit_at", "backplan_audit", ["at"])
    op.create_index("ix_backplan_audit_person_id", "backplan_audit", ["person_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION backplan_audit_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER backplan_audit_append_only BEFORE UPDATE OR DELETE ON "
            "backplan_audit FOR EACH ROW EXECUTE FUNCTION backplan_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER backplan_audit_no_truncate BEFORE TRUNCATE ON backplan_audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION backplan_audit_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER backplan_audit_no_{event.lower()} BEFORE {event} ON "
                f"backplan_audit BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def _submissions_and_decisions() -> None:
    op.create_table(
        "backplan_submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _fk(
            "person_id",
            "backplan_people.id",
            "fk_backplan_submissions_person_id",
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("weeks", sa.Integer, nullable=False),
        _fk(
            "course_id",
            "backplan_courses.id",
            "fk_backplan_submissions_course_id",
            nullable=True,
        ),
        sa.Column("backplan_version", sa.String(40), nullable=False),
        sa.Column("rules_version", sa.String(40), nullable=False),
    )
    op.create_index("ix_backplan_submissions_person_id", "backplan_submissions", ["person_id"])
    op.create_index("ix_backplan_submissions_status", "backplan_submissions", ["status"])
    op.create_table(
        "backplan_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _fk(
            "submission_id",
            "backplan_submissions.id",
            "fk_backplan_decisions_submission_id",
            nullable=False,
        ),
        sa.Column("clinician_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("clinician_level", sa.String(16), nullable=True),
        sa.Column("edits", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("start_date", sa.Date, nullable=True),
    )
    op.create_index("ix_backplan_decisions_submission_id", "backplan_decisions", ["submission_id"])


def downgrade() -> None:
    for table in (
        "backplan_deletions",
        "backplan_decisions",
        "backplan_submissions",
        "backplan_drafts",
        "backplan_audit",
        "backplan_sign_in_failures",
        "backplan_invites",
        "backplan_sessions",
        "backplan_care",
        "backplan_accounts",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS backplan_audit_append_only()")
