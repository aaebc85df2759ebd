"""The first schema: courses, the plans issued for them, and check-ins.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backplan_courses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("psfs_activities", sa.JSON, nullable=False),
        sa.Column("stopped_at", sa.DateTime, nullable=True),
        sa.Column("stopped_reason", sa.Text, nullable=True),
    )
    op.create_table(
        "backplan_plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("backplan_courses.id"), nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("backplan_version", sa.String(40), nullable=False),
        sa.Column("rules_version", sa.String(40), nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
    )
    op.create_index("ix_backplan_plans_course_id", "backplan_plans", ["course_id"])
    op.create_table(
        "backplan_checkins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("backplan_courses.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("week", sa.Integer, nullable=False),
        sa.Column("sessions_done", sa.Integer, nullable=False),
        sa.Column("exercise_pain", sa.Integer, nullable=True),
        sa.Column("next_morning", sa.String(8), nullable=True),
        sa.Column("usual_pain", sa.Integer, nullable=True),
        sa.Column("new_red_flags", sa.JSON, nullable=False),
        sa.Column("rescreen", sa.String(16), nullable=True),
        sa.Column("psfs", sa.JSON, nullable=True),
    )
    op.create_index("ix_backplan_checkins_course_id", "backplan_checkins", ["course_id"])


def downgrade() -> None:
    op.drop_table("backplan_checkins")
    op.drop_table("backplan_plans")
    op.drop_table("backplan_courses")
