"""People in the store (issue 25, item 1): on one shared database each person sees only
their own course, a command that does not say whose course it means is refused, and a
personal database needs no option at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.app.tracking import follow
from recommender.store.courses import Store

from conftest import Run
from support.course import BOB_ANSWERS, START_ARGS, checkin_args, stored_course

ALICE = [*START_ARGS, "--person", "Alice"]


def _start_bob(run: Run, tmp_path: Path, *db: str) -> None:
    path = tmp_path / "bob.json"
    path.write_text(json.dumps(BOB_ANSWERS))
    run(*db, "track", "start", "--answers", str(path), "--start", "2026-01-05", "--person", "Bob")


def test_two_people_on_one_file_each_see_only_their_own_course(
    db: str, run: Run, tmp_path: Path
) -> None:
    run(*ALICE)
    _start_bob(run, tmp_path)
    # Alice has a good week; Bob's doses must not move, nor may he see her answers.
    run(*checkin_args(1, "3", 2, "same", 4, None, ()), "--person", "alice")
    alice, _, _ = follow(None, None, "Alice")
    bob, _, _ = follow(None, None, "Bob")
    assert [r.outcome for r in alice.reviews] == ["progress"]
    assert bob.reviews == () and bob.next_level.week == 1
    assert bob.course.answers["age"] == 71 and alice.course.answers["age"] == 38
    status = run("track", "status", "--person", "Bob", "--week", "2").output
    assert "doses of plan week 1" in status and "No week has been reviewed yet" in status
    report = run("track", "report", "--person", "2").output
    assert "For: Bob" in report and "Weeks checked in: 0" in report
    assert "Alice" not in report and "Sam (simulated course)" not in report
    assert "For: Alice" in run("track", "report", "--person", "ALICE").output


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["report"],
        ["report", "-f", "html"],
        ["explain"],
        ["checkin", "--week", "1", "--done", "1", "--no-new-symptoms"],
        ["renew", "--no-symptoms", "--no-outlook"],
        START_ARGS[1:],
    ],
    ids=lambda c: "-".join(c[:2]),
)
def test_a_command_that_does_not_say_whose_course_is_refused(
    db: str, run: Run, tmp_path: Path, command: list[str]
) -> None:
    run(*ALICE)
    _start_bob(run, tmp_path)
    before = stored_course(db, "Alice"), stored_course(db, "Bob")
    out = run("track", *command, code=2)
    assert "holds the courses of 2 people" in out.output and "--person" in out.output
    assert (stored_course(db, "Alice"), stored_course(db, "Bob")) == before  # nothing changed


def test_people_lists_everyone_and_a_name_used_twice_asks_for_the_id(
    db: str, run: Run, tmp_path: Path
) -> None:
    run(*ALICE)
    _start_bob(run, tmp_path)
    listing = run("track", "people").output
    assert "Alice" in listing and "Bob" in listing and "1 block" in listing
    run("track", "start", "--example", "--person", "Carol")
    Store.open(db).add_person("Bob")  # a second Bob (a clinic may well have two)
    out = run("track", "status", "--person", "bob", code=2)
    assert "2 people are called 'Bob'" in out.output and "(2, 4)" in out.output
    assert "WEEK" in run("track", "status", "--person", "2").output


def test_a_personal_database_needs_no_person_option(db: str, run: Run) -> None:
    run(*START_ARGS)
    run(*checkin_args(1, "3", 3, "same", 5, None, ()))
    assert "WEEK 2 OF YOUR PLAN" in run("track", "status", "--week", "2").output
    (person,) = Store.open(db).people()
    assert person.name == "Sam (simulated course)"  # named as the answers name them


def test_start_refuses_a_second_course_and_points_to_renew(db: str, run: Run) -> None:
    run(*START_ARGS)
    run(*checkin_args(1, "3", 3, "same", 5, None, ()))
    out = run(*START_ARGS, code=2)
    assert "already has a course" in out.output and "track renew" in out.output
    assert len(stored_course(db).checkins) == 1  # the history is still there
    run(*START_ARGS, "--new-course")
    assert stored_course(db).checkins == ()  # a separate course, on purpose


def test_a_new_persons_name_must_be_a_name(db: str, run: Run) -> None:
    run(*START_ARGS, "--person", "12", code=2)
    out = run(*START_ARGS, "--person", "a\u202ename", code=2)
    assert "not a usable name" in out.output
