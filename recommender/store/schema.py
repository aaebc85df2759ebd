"""The tables, in SQLAlchemy Core: people, their courses, each course's blocks with the
plan issued for each, and check-ins. The migrations in migrations/versions/ create
exactly these.

A person is an id, a display name and when they were added; nothing else is needed
to keep their courses apart. A login or a clinician belongs beside it (a table keyed
by the person's id), not in it: see docs/tracking.md, "People".
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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

__all__ = ["HEAD", "blocks", "checkins", "courses", "metadata", "people", "plans"]

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
