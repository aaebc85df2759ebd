"""The tracking store: migrations from empty, privacy, refusing what is not ours,
and check-ins from two processes at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from recommender.store import database
from recommender.store.courses import Store

from conftest import Run
from support.course import START_ARGS, race_two_writers, stored_course
from support.schema import HEAD, TABLES


def _tables(path: str) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_migrations_from_empty_build_exactly_the_schema(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from recommender.store.schema import metadata

    path = tmp_path / "empty.sqlite3"
    Store.open(str(path), create=True).close()
    assert _tables(str(path)) == TABLES
    with sqlite3.connect(path) as connection:
        assert connection.execute(
            "SELECT version_num FROM backplan_alembic_version"
        ).fetchall() == [(HEAD,)]
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": "backplan_alembic_version"}
        )
        differences = [
            d for d in compare_metadata(context, metadata)
            if not (d[0] == "remove_table" and d[1].name == "backplan_alembic_version")
        ]  # fmt: skip
        assert differences == []
    engine.dispose()


def test_the_schema_code_and_the_migrations_know_the_same_head() -> None:
    from recommender.store.schema import HEAD as code_head

    assert code_head == HEAD
    assert database._known_revisions() == {"0001", "0002", HEAD}


def test_nothing_is_stored_before_track_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("BACKPLAN_DB", raising=False)
    for command in (["status"], ["report"], ["explain"], ["checkin", "--done", "1"]):
        out = run("track", *command, code=2)
        assert "nothing is tracked yet" in out.output
    assert not (tmp_path / "xdg").exists()
    # `backplan plan` never stores anything either.
    run("plan", "--example")
    assert not (tmp_path / "xdg").exists()


def test_the_default_database_is_private_to_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("BACKPLAN_DB", raising=False)
    old = os.umask(0o022)
    try:
        run(*START_ARGS)
    finally:
        os.umask(old)
    path = database.default_path()
    assert path.is_relative_to(tmp_path / "xdg")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "content",
    [
        b"this is a shopping list, not a database\n",
        b"SQLite format 3\x00" + b"\xff" * 4000,  # the header, then garbage
        bytes(range(256)) * 64,
    ],
    ids=["text", "damaged-sqlite", "binary"],
)
def test_a_corrupt_or_foreign_file_is_refused_and_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run, content: bytes
) -> None:
    path = tmp_path / "mine.db"
    path.write_bytes(content)
    monkeypatch.setenv("BACKPLAN_DB", str(path))
    for args in (
        START_ARGS,
        ["track", "checkin", "--week", "1", "--done", "1"],
        ["track", "report"],
    ):
        out = run(*args, code=2)
        assert "nothing was changed" in out.output
        assert "Traceback" not in out.output and "internal error" not in out.output
    assert path.read_bytes() == content


def test_another_programs_sqlite_database_is_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('keep me')")
    before = path.read_bytes()
    monkeypatch.setenv("BACKPLAN_DB", str(path))
    out = run(*START_ARGS, code=2)
    assert "not a backplan tracking database" in out.output
    assert path.read_bytes() == before


def test_a_database_from_a_newer_backplan_is_refused(db: str, run: Run) -> None:
    run(*START_ARGS)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE backplan_alembic_version SET version_num = '9999'")
    for args in (["report"], ["checkin", "--week", "1", "--done", "1"], ["status"]):
        out = run("track", *args, code=2)
        assert "newer backplan" in out.output


def test_a_folder_or_an_unreachable_server_is_a_message(tmp_path: Path, run: Run) -> None:
    out = run("track", "--db", str(tmp_path), "status", code=2)
    assert "not a regular file" in out.output
    out = run("track", "--db", "mysql://me@host/db", "status", code=2)
    assert "unsupported database" in out.output
    out = run("track", "--db", "postgresql://nobody:secret@127.0.0.1:1/none", "status", code=2)
    assert "cannot be used" in out.output and "secret" not in out.output


def test_check_ins_from_two_processes_at_once_lose_nothing(db: str, run: Run) -> None:
    run(*START_ARGS)
    each = 150
    race_two_writers(db, each)
    checkins = stored_course(db).checkins
    assert len(checkins) == 2 * each
    assert sorted(c.exercise_pain or 0 for c in checkins) == [1] * each + [2] * each
    assert len({c.id for c in checkins}) == 2 * each


def test_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BACKPLAN_DB", raising=False)
    assert database.database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database.database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setenv("BACKPLAN_DB", "relative.db")
    assert database.database_url(None) == f"sqlite:///{Path('relative.db').absolute()}"
    assert database.describe("postgresql+psycopg://me:pw@h/db") == "postgresql+psycopg://me@h/db"


def test_the_quick_check_in_path_writes_what_sqlalchemy_reads(db: str, run: Run) -> None:
    import datetime as dt

    from recommender.core.progress import CheckIn
    from recommender.store.quick import QuickStore

    run(*START_ARGS)
    quick = QuickStore.open(db)
    assert quick is not None
    entry = CheckIn(
        week=3,
        recorded=dt.datetime(2026, 1, 19, 18, 30, 5),
        sessions_done=2,
        exercise_pain=6,
        next_morning="worse",
        usual_pain=5,
        new_red_flags=("night_pain",),
        rescreen="soon",
        psfs=(4, 5, 6),
    )
    course = quick.current_course(quick.person(None).id)
    new_id = quick.add_checkin(course.id, course.blocks[-1].id, entry)
    quick.stop_course(course.id, "a test stop.", "urgent")
    quick.update_safe(course.blocks[-1].id, {"cat-cow": ["Cat-cow", "all_fours"]})
    quick.close()
    full = stored_course(db)
    assert full.checkins == (entry.__class__(**{**entry.__dict__, "id": new_id}),)
    assert (full.stopped, full.stopped_level) == ("a test stop.", "urgent")
    assert full.blocks[-1].safe == {"cat-cow": ["Cat-cow", "all_fours"]}
    assert (course.person, course.answers, course.start, course.psfs) == (
        full.person,
        full.answers,
        full.start,
        full.psfs,
    )
    assert course.blocks[-1]._replace(safe=None) == full.blocks[-1]._replace(safe=None)


def _modules_after(args: list[str], env: dict[str, Any]) -> set[str]:
    code = (
        "import sys\n"
        "from recommender.app.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    names = set(done.stderr.split())
    return names | {name.split(".")[0] for name in names}


def test_plan_and_check_in_never_import_sqlalchemy_alembic_or_matplotlib(db: str, run: Run) -> None:
    run(*START_ARGS)
    env = dict(os.environ, BACKPLAN_DB=db)
    heavy = {"sqlalchemy", "alembic", "matplotlib"}
    plan = _modules_after(["plan", "--example"], env)
    assert not heavy & plan
    assert "recommender.core.progress" not in plan and "recommender.store" not in plan
    checkin = [
        "track", "checkin", "--week", "1", "--done", "1", "--usual-pain", "4", "--no-new-symptoms"
    ]  # fmt: skip
    assert not heavy & _modules_after(checkin, env)
    assert "sqlalchemy" in _modules_after(["track", "report"], env)  # the test can fail


def test_a_damaged_backplan_database_is_a_message_on_every_path(db: str, run: Run) -> None:
    run(*START_ARGS)
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE backplan_checkins")
    for args in (["checkin", "--week", "1", "--done", "1"], ["report"], ["status"]):
        out = run("track", *args, code=2)
        assert "backplan_checkins" in out.output and "nothing was changed" in out.output


# -- revision 0001 with data in it, migrated (issue 25: people and blocks) -------------


def _schema_differences(url: str) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from recommender.store.schema import metadata

    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": "backplan_alembic_version"}
        )
        found = [
            d for d in compare_metadata(context, metadata)
            if not (d[0] == "remove_table" and d[1].name == "backplan_alembic_version")
        ]  # fmt: skip
    engine.dispose()
    return found


def test_a_database_of_revision_0001_with_data_migrates_into_one_person(db: str, run: Run) -> None:
    from support.older_store import check_migrated, make_revision_0001

    Path(db).parent.mkdir(mode=0o700)
    made = make_revision_0001(f"sqlite:///{db}")
    assert made["checkins"] == 6
    check_migrated(db, run, [])
    assert _schema_differences(f"sqlite:///{db}") == []
    with sqlite3.connect(db) as connection:
        assert connection.execute(
            "SELECT version_num FROM backplan_alembic_version"
        ).fetchall() == [(HEAD,)]
