"""The PostgreSQL path against a real server: Debian's `postgresql`, in a temporary
cluster this fixture makes with initdb and starts with pg_ctl (as an ordinary user
when the tests run as root, since PostgreSQL refuses to run as root). Skipped only
where PostgreSQL is not installed; CI installs it and sets BACKPLAN_REQUIRE_POSTGRES.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recommender.store.courses import Store

from conftest import Run
from support.course import (
    BOB_ANSWERS,
    START_ARGS,
    WEEKS,
    checkin_args,
    race_first_starts,
    race_two_writers,
    stored_course,
)
from support.postgres import new_database, server_or_skip
from support.schema import HEAD, TABLES


@pytest.fixture(scope="module")
def server() -> Iterator[dict[str, Any]]:
    yield from server_or_skip()


@pytest.fixture
def pg_url(server: dict[str, Any]) -> str:
    """A fresh, empty database on the server, as a postgresql:// URL."""
    return new_database(server)


def test_a_course_on_postgresql(pg_url: str, run: Run) -> None:
    run("track", "--db", pg_url, *START_ARGS[1:])
    for week in WEEKS:
        run("track", "--db", pg_url, *checkin_args(*week)[1:])
    out = run("track", "--db", pg_url, "report").output
    assert "AD-STEP-BACK-FLARES" in out and "THE PLAN IS STOPPED" in out
    course = stored_course(pg_url)
    assert len(course.checkins) == len(WEEKS)
    assert course.psfs[0] == ("Lifting the shopping", 3)


def test_migrations_from_empty_on_postgresql(pg_url: str) -> None:
    import psycopg

    with pytest.raises(Exception, match="nothing is tracked yet"):
        Store.open(pg_url)  # without `track start`, nothing is created
    Store.open(pg_url, create=True).close()
    conninfo = pg_url.replace("postgresql://", "postgresql://", 1)
    with psycopg.connect(conninfo) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        version = connection.execute("SELECT version_num FROM backplan_alembic_version").fetchone()
    assert tables == TABLES
    assert version == (HEAD,)


def test_a_shared_database_keeps_the_other_applications_tables(pg_url: str, run: Run) -> None:
    import psycopg

    with psycopg.connect(pg_url) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num text)")
        connection.execute("INSERT INTO alembic_version VALUES ('someone-elses')")
    run("track", "--db", pg_url, *START_ARGS[1:])
    with psycopg.connect(pg_url) as connection:
        assert connection.execute("SELECT * FROM alembic_version").fetchall() == [
            ("someone-elses",)
        ]


def test_check_ins_from_two_processes_lose_nothing_on_postgresql(pg_url: str, run: Run) -> None:
    run("track", "--db", pg_url, *START_ARGS[1:])
    each = 100
    race_two_writers(pg_url, each)
    checkins = stored_course(pg_url).checkins
    assert sorted(c.exercise_pain or 0 for c in checkins) == [1] * each + [2] * each


def test_two_people_on_postgresql_each_see_only_their_own_course(
    pg_url: str, run: Run, tmp_path: Path
) -> None:
    db = ["track", "--db", pg_url]
    run(*db, *START_ARGS[1:], "--person", "Alice")
    bob = tmp_path / "bob.json"
    bob.write_text(json.dumps(BOB_ANSWERS))
    run(*db, "start", "--answers", str(bob), "--start", "2026-01-05", "--person", "Bob")
    run(*db, *checkin_args(1, "3", 2, "same", 4, None, ())[1:], "--person", "Alice")
    refused = run(*db, "status", code=2)
    assert "holds the courses of 2 people" in refused.output
    assert "For: Bob" in run(*db, "report", "--person", "Bob").output
    assert "Weeks checked in: 0" in run(*db, "report", "--person", "Bob").output
    assert "Weeks checked in: 1" in run(*db, "report", "--person", "Alice").output
    assert len(stored_course(pg_url, "Alice").checkins) == 1
    assert stored_course(pg_url, "Bob").checkins == ()
    assert stored_course(pg_url, "Bob").answers["age"] == 71


def test_a_database_of_revision_0001_with_data_migrates_on_postgresql(
    pg_url: str, run: Run
) -> None:
    from support.older_store import check_migrated, make_revision_0001

    make_revision_0001(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    check_migrated(pg_url, run, ["--db", pg_url])


def test_two_first_starts_at_once_on_postgresql(server: dict[str, Any]) -> None:
    for _ in range(4):  # a race: several rounds, each on an empty database
        url = new_database(server)
        for code, messages in race_first_starts(url):
            assert code == 0, messages
            assert "already exists" not in messages and "pg_type" not in messages
        store = Store.open(url)
        assert {p.name for p in store.people()} == {"Alice", "Bob"}
        store.close()


def test_a_password_in_the_query_string_is_never_shown(server: dict[str, Any], run: Run) -> None:
    url = (
        f"postgresql://nobody@/nowhere?host={server['socket']}&port={server['port']}"
        "&password=s3cret-pw"
    )
    out = run("track", "--db", url, "status", code=2)
    assert "s3cret" not in out.output and "password=***" in out.output
