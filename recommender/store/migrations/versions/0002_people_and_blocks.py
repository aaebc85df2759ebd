"""People, and courses as runs of blocks: every course belongs to a person; a course's
plans become its blocks; check-ins belong to a block and may name the exercises that
hurt or were too easy; a plan keeps the format of its result object.

Existing courses all belong to one person (a database before this revision was one
person's), named as the newest course's answers name them, or "me". Each course's
latest plan becomes its block 1, starting on the course's start date, as long as the
plan; its check-ins belong to it. Results stored before are format 2.

Revision ID: 0002
Revises: 0001
Create Date: 2027-01-11
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: The tables as this revision leaves them, for the data it moves (the migration keeps
#: its own copy: the code's schema.py moves on).
_tables = sa.MetaData()
_courses = sa.Table(
    "backplan_courses",
    _tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("person_id", sa.Integer),
    sa.Column("created_at", sa.DateTime),
    sa.Column("start_date", sa.Date),
    sa.Column("answers", sa.JSON),
)
_people = sa.Table(
    "backplan_people",
    _tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("display_name", sa.String),
    sa.Column("created_at", sa.DateTime),
)
_plans = sa.Table(
    "backplan_plans",
    _tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("course_id", sa.Integer),
    sa.Column("issued_at", sa.DateTime),
    sa.Column("result", sa.JSON),
    sa.Column("result_format", sa.Integer),
)
_blocks = sa.Table(
    "backplan_blocks",
    _tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("course_id", sa.Integer),
    sa.Column("number", sa.Integer),
    sa.Column("plan_id", sa.Integer),
    sa.Column("created_at", sa.DateTime),
    sa.Column("start_date", sa.Date),
    sa.Column("weeks", sa.Integer),
    sa.Column("start_pain", sa.Integer),
    sa.Column("first_plan_week", sa.Integer),
    sa.Column("easier", sa.Integer),
    sa.Column("swaps", sa.JSON),
    sa.Column("level", sa.String),
    sa.Column("session_days", sa.JSON),
    sa.Column("safe", sa.JSON),
)
_checkins = sa.Table(
    "backplan_checkins",
    _tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("course_id", sa.Integer),
    sa.Column("block_id", sa.Integer),
    sa.Column("hurt", sa.JSON),
    sa.Column("too_easy", sa.JSON),
)


def upgrade() -> None:
    op.create_table(
        "backplan_people",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "backplan_blocks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("backplan_courses.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("backplan_plans.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("weeks", sa.Integer, nullable=False),
        sa.Column("start_pain", sa.Integer, nullable=False),
        sa.Column("first_plan_week", sa.Integer, nullable=False),
        sa.Column("easier", sa.Integer, nullable=False),
        sa.Column("swaps", sa.JSON, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("session_days", sa.JSON, nullable=False),
        sa.Column("safe", sa.JSON, nullable=True),
        sa.UniqueConstraint("course_id", "number", name="uq_backplan_blocks_course_number"),
    )
    op.create_index("ix_backplan_blocks_course_id", "backplan_blocks", ["course_id"])
    with op.batch_alter_table("backplan_courses") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("stopped_level", sa.String(16), nullable=True))
    with op.batch_alter_table("backplan_plans") as batch:
        batch.add_column(sa.Column("result_format", sa.Integer, nullable=True))
    with op.batch_alter_table("backplan_checkins") as batch:
        batch.add_column(sa.Column("block_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("hurt", sa.JSON, nullable=True))
        batch.add_column(sa.Column("too_easy", sa.JSON, nullable=True))

    _move_the_data(op.get_bind())

    with op.batch_alter_table("backplan_courses") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer, nullable=False)
        batch.create_foreign_key(
            "fk_backplan_courses_person_id", "backplan_people", ["person_id"], ["id"]
        )
        batch.create_index("ix_backplan_courses_person_id", ["person_id"])
    with op.batch_alter_table("backplan_plans") as batch:
        batch.alter_column("result_format", existing_type=sa.Integer, nullable=False)
    with op.batch_alter_table("backplan_checkins") as batch:
        batch.alter_column("block_id", existing_type=sa.Integer, nullable=False)
        batch.alter_column("hurt", existing_type=sa.JSON, nullable=False)
        batch.alter_column("too_easy", existing_type=sa.JSON, nullable=False)
        batch.create_foreign_key(
            "fk_backplan_checkins_block_id", "backplan_blocks", ["block_id"], ["id"]
        )
        batch.create_index("ix_backplan_checkins_block_id", ["block_id"])


def _move_the_data(connection: Any) -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    connection.execute(_plans.update().values(result_format=2))
    connection.execute(_checkins.update().values(hurt=[], too_easy=[]))
    found = connection.execute(
        sa.select(
            _courses.c.id, _courses.c.created_at, _courses.c.start_date, _courses.c.answers
        ).order_by(_courses.c.id)
    ).all()
    if not found:
        return
    newest = found[-1].answers if isinstance(found[-1].answers, dict) else {}
    name = " ".join(str(newest.get("name") or "").split())[:100] or "me"
    person = connection.execute(
        _people.insert().values(display_name=name, created_at=min(c.created_at for c in found))
    ).inserted_primary_key[0]
    connection.execute(_courses.update().values(person_id=person))
    for course in found:
        plan = connection.execute(
            sa.select(_plans.c.id, _plans.c.issued_at, _plans.c.result)
            .where(_plans.c.course_id == course.id)
            .order_by(_plans.c.id.desc())
            .limit(1)
        ).first()
        if plan is None:
            continue  # a course is never stored without its plan; nothing to move
        result = plan.result if isinstance(plan.result, dict) else {}
        weeks = (result.get("plan") or {}).get("weeks") or []
        answers = course.answers if isinstance(course.answers, dict) else {}
        pain = answers.get("pain_intensity")
        block = connection.execute(
            _blocks.insert().values(
                course_id=course.id,
                number=1,
                plan_id=plan.id,
                created_at=plan.issued_at or now,
                start_date=course.start_date,
                weeks=max(1, len(weeks)),
                start_pain=pain if isinstance(pain, int) and 0 <= pain <= 10 else 0,
                first_plan_week=1,
                easier=0,
                swaps=[],
                level=(result.get("triage") or {}).get("level") or "none",
                session_days=[[s.get("day") for s in w.get("sessions", [])] for w in weeks],
                safe=None,  # worked out from the answers when it is needed
            )
        ).inserted_primary_key[0]
        connection.execute(
            _checkins.update().where(_checkins.c.course_id == course.id).values(block_id=block)
        )


def downgrade() -> None:
    with op.batch_alter_table("backplan_checkins") as batch:
        batch.drop_index("ix_backplan_checkins_block_id")
        batch.drop_constraint("fk_backplan_checkins_block_id", type_="foreignkey")
        batch.drop_column("too_easy")
        batch.drop_column("hurt")
        batch.drop_column("block_id")
    with op.batch_alter_table("backplan_plans") as batch:
        batch.drop_column("result_format")
    with op.batch_alter_table("backplan_courses") as batch:
        batch.drop_index("ix_backplan_courses_person_id")
        batch.drop_constraint("fk_backplan_courses_person_id", type_="foreignkey")
        batch.drop_column("stopped_level")
        batch.drop_column("person_id")
    op.drop_table("backplan_blocks")
    op.drop_table("backplan_people")
