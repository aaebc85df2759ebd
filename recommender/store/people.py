"""Whose course a command means: the person named by `--person`, or the only one.

A personal database holds one person, and no option is needed. A shared one holds
several, and then every command must say whose course it means: backplan never
guesses, since one person's check-in in another's course would change their doses and
show them the other's health answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from recommender.core.progress import Person
from recommender.store.database import NotTracking, StoreError

NAME_MAX = 100


class PersonError(StoreError):
    """No single person matches (exit code 2); the message says how to name one."""


def clean_name(text: str) -> str:
    """A display name as given: one line, single spaces, printable, 1 to 100
    characters, and not only digits (those are ids)."""
    name = " ".join(text.split())
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise PersonError(
            f"--person: {text[:40]!r} is not a usable name (one line of at most "
            f"{NAME_MAX} printable characters)"
        )
    if name.isdigit():
        raise PersonError(f"--person: {name!r} is a number; a new person needs a name")
    return name


def matching(people: Sequence[Person], given: str) -> list[Person]:
    """The people `given` names: by id (digits) or by display name (any case)."""
    token = " ".join(given.split())
    if token.isdigit():
        return [p for p in people if p.id == int(token)]
    return [p for p in people if p.name.casefold() == token.casefold()]


def choose(people: Sequence[Person], given: Optional[str], where: str) -> Person:
    """The one person a command is about, or a PersonError that says what to give."""
    if given is None:
        if len(people) == 1:
            return people[0]
        if not people:
            raise NotTracking(where)
        raise PersonError(
            f"{where} holds the courses of {len(people)} people: say whose with "
            "--person NAME-OR-ID (`backplan track people` lists them)"
        )
    found = matching(people, given)
    if len(found) == 1:
        return found[0]
    if not found:
        raise PersonError(
            f"--person: no one called {given[:40]!r} in {where} (`backplan track people` "
            "lists them)"
        )
    ids = ", ".join(str(p.id) for p in found)
    raise PersonError(
        f"--person: {len(found)} people are called {found[0].name!r} in {where}: give the "
        f"id instead ({ids})"
    )
