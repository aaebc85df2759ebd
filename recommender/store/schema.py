"""The tables, in SQLAlchemy Core: people, their courses, each course's blocks with the
plan issued for each, and check-ins. The migrations in migrations/versions/ create
exactly these.

A person is an id, a display name and when they were added; nothing else is needed
to keep their courses apart. A login or a clinician belongs beside it (a table keyed
by the person's id), not in it: see docs/tracking.md, "People".

The clinic's tables (`backplan serve --clinic`, docs/clinic.md) follow: accounts and
who cares for whom, sessions, invites, failed sign-ins, the audit log, the answers a
patient has saved so far, the results sent for review, and the clinicians' decisions.
A personal database holds them empty.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from recommender.store.revision import HEAD

__all__ = [
    "HEAD",
    "accounts",
    "audit",
    "blocks",
    "care",
    "checkins",
    "courses",
    "decisions",
    "deletions",
    "drafts",
    "invites",
    "metadata",
    "people",
    "plans",
    "sessions",
    "sign_in_failures",
    "submissions",
]

metadata = MetaData()

people = Table(
    "backplan_people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("display_name", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

courses = Table(
    "backplan_courses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("backplan_people.id", name="fk_backplan_courses_person_id"),
        nullable=False,
        index=True,
    ),
    Column("created_at", DateTime, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("answers", JSON, nullable=False),
    Column("psfs_activities", JSON, nullable=False),
    Column("stopped_at", DateTime, nullable=True),
    Column("stopped_reason", Text, nullable=True),
    Column("stopped_level", String(16), nullable=True),
)

plans = Table(
    "backplan_plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("course_id", Integer, ForeignKey("backplan_courses.id"), nullable=False, index=True),
    Column("issued_at", DateTime, nullable=False),
    Column("backplan_version", String(40), nullable=False),
    Column("rules_version", String(40), nullable=False),
    Column("result", JSON, nullable=False),
    Column("result_format", Integer, nullable=False),
)

blocks = Table(
    "backplan_blocks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("course_id", Integer, ForeignKey("backplan_courses.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("plan_id", Integer, ForeignKey("backplan_plans.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("weeks", Integer, nullable=False),
    Column("start_pain", Integer, nullable=False),
    Column("first_plan_week", Integer, nullable=False),
    Column("easier", Integer, nullable=False),
    Column("swaps", JSON, nullable=False),
    # What a check-in needs without reading the plan: the triage level it was given
    # at, each plan week's session days, and the exercises that passed the person's
    # filters (id -> [name, position]; null in blocks from before they were kept).
    Column("level", String(16), nullable=False),
    Column("session_days", JSON, nullable=False),
    Column("safe", JSON, nullable=True),
    UniqueConstraint("course_id", "number", name="uq_backplan_blocks_course_number"),
)

checkins = Table(
    "backplan_checkins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("course_id", Integer, ForeignKey("backplan_courses.id"), nullable=False, index=True),
    Column(
        "block_id",
        Integer,
        ForeignKey("backplan_blocks.id", name="fk_backplan_checkins_block_id"),
        nullable=False,
        index=True,
    ),
    Column("recorded_at", DateTime, nullable=False),
    Column("week", Integer, nullable=False),
    Column("sessions_done", Integer, nullable=False),
    Column("exercise_pain", Integer, nullable=True),
    Column("next_morning", String(8), nullable=True),
    Column("usual_pain", Integer, nullable=True),
    Column("new_red_flags", JSON, nullable=False),
    Column("rescreen", String(16), nullable=True),
    Column("psfs", JSON, nullable=True),
    Column("hurt", JSON, nullable=False),
    Column("too_easy", JSON, nullable=False),
)


# -- the clinic (revision 0003) ----------------------------------------------------------

accounts = Table(
    "backplan_accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    # Argon2id (clinic/passwords.py); null until the set-up link or invite is used.
    Column("password_hash", String(200), nullable=True),
    Column("role", String(16), nullable=False),  # patient, clinician or admin
    # The person a patient's account is for: one login per person at most.
    Column(
        "person_id",
        Integer,
        ForeignKey("backplan_people.id", name="fk_backplan_accounts_person_id"),
        nullable=True,
        unique=True,
    ),
    Column("created_at", DateTime, nullable=False),
    Column("last_sign_in", DateTime, nullable=True),
)

care = Table(
    "backplan_care",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("backplan_people.id", name="fk_backplan_care_person_id"),
        nullable=False,
        index=True,
    ),
    Column(
        "clinician_id",
        Integer,
        ForeignKey("backplan_accounts.id", name="fk_backplan_care_clinician_id"),
        nullable=False,
        index=True,
    ),
    Column("since", DateTime, nullable=False),
    Column("until", DateTime, nullable=True),
)

sessions = Table(
    "backplan_sessions",
    metadata,
    # The SHA-256 of the cookie's random token: the table alone opens no session.
    Column("id", String(64), primary_key=True),
    Column(
        "account_id",
        Integer,
        ForeignKey("backplan_accounts.id", name="fk_backplan_sessions_account_id"),
        nullable=False,
        index=True,
    ),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
)

invites = Table(
    "backplan_invites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # set_up (an account) or patient
    Column(
        "account_id",
        Integer,
        ForeignKey("backplan_accounts.id", name="fk_backplan_invites_account_id"),
        nullable=True,
    ),
    Column(
        "person_id",
        Integer,
        ForeignKey("backplan_people.id", name="fk_backplan_invites_person_id"),
        nullable=True,
    ),
    Column("created_by", Integer, nullable=True),  # the clinician's account, for a patient
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime, nullable=True),
)

sign_in_failures = Table(
    "backplan_sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # "account:EMAIL" or "address:IP", so that replicas count together.
    Column("key", String(300), nullable=False, index=True),
    Column("at", DateTime, nullable=False, index=True),
)

audit = Table(
    "backplan_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    # Plain numbers, no foreign keys: the log outlives the accounts and people it names.
    Column("actor_id", Integer, nullable=True),
    Column("actor", String(254), nullable=False),  # the email at the time, or "nobody"
    Column("role", String(16), nullable=True),
    Column("action", String(40), nullable=False),
    Column("person_id", Integer, nullable=True, index=True),
    Column("detail", Text, nullable=False),  # what and which record; never health data
    Column("address", String(64), nullable=True),
)

drafts = Table(
    "backplan_drafts",
    metadata,
    Column(
        "account_id",
        Integer,
        ForeignKey("backplan_accounts.id", name="fk_backplan_drafts_account_id"),
        primary_key=True,
    ),
    Column("state", JSON, nullable=False),  # the questionnaire's state (app/web/state.py)
    Column("raised", JSON, nullable=False),  # emergency rules already raised to the queue
    Column("updated_at", DateTime, nullable=False),
)

submissions = Table(
    "backplan_submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("backplan_people.id", name="fk_backplan_submissions_person_id"),
        nullable=False,
        index=True,
    ),
    Column("submitted_at", DateTime, nullable=False),
    Column("answers", JSON, nullable=False),
    Column("complete", Boolean, nullable=False),  # false: raised by an emergency part-way
    Column("level", String(16), nullable=False),  # backplan's triage level
    Column("flags", JSON, nullable=False),  # the ids of the flags that fired
    # emergency or urgent (shown at once), waiting, released or withheld, closed
    Column("status", String(16), nullable=False, index=True),
    Column("weeks", Integer, nullable=False),
    Column(
        "course_id",
        Integer,
        ForeignKey("backplan_courses.id", name="fk_backplan_submissions_course_id"),
        nullable=True,
    ),
    Column("backplan_version", String(40), nullable=False),
    Column("rules_version", String(40), nullable=False),
)

decisions = Table(
    "backplan_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "submission_id",
        Integer,
        ForeignKey("backplan_submissions.id", name="fk_backplan_decisions_submission_id"),
        nullable=False,
        index=True,
    ),
    Column("clinician_id", Integer, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("action", String(16), nullable=False),  # released, withheld, closed or triaged
    Column("clinician_level", String(16), nullable=True),
    Column("edits", JSON, nullable=False),  # clinic/edits.py, in the order made
    Column("note", Text, nullable=True),  # shown with the plan
    Column("message", Text, nullable=True),  # to the patient, with a withheld plan
    Column("start_date", Date, nullable=True),  # the released plan's first day
)

deletions = Table(
    "backplan_deletions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, nullable=False, index=True),  # kept after the person goes
    Column("requested_at", DateTime, nullable=False),
    Column("confirmed_by", Integer, nullable=True),
    Column("confirmed_at", DateTime, nullable=True),
)
