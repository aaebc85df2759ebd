"""The tables, in SQLAlchemy Core: one course per `track start`, its plans and
check-ins. The migrations in migrations/versions/ create exactly these."""

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
)

from recommender.store.revision import HEAD

__all__ = ["HEAD", "checkins", "courses", "metadata", "plans"]

metadata = MetaData()

courses = Table(
    "backplan_courses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("answers", JSON, nullable=False),
    Column("psfs_activities", JSON, nullable=False),
    Column("stopped_at", DateTime, nullable=True),
    Column("stopped_reason", Text, nullable=True),
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
)

checkins = Table(
    "backplan_checkins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("course_id", Integer, ForeignKey("backplan_courses.id"), nullable=False, index=True),
    Column("recorded_at", DateTime, nullable=False),
    Column("week", Integer, nullable=False),
    Column("sessions_done", Integer, nullable=False),
    Column("exercise_pain", Integer, nullable=True),
    Column("next_morning", String(8), nullable=True),
    Column("usual_pain", Integer, nullable=True),
    Column("new_red_flags", JSON, nullable=False),
    Column("rescreen", String(16), nullable=True),
    Column("psfs", JSON, nullable=True),
)
