"""`backplan session` in the terminal: today's session, one exercise at a time.

Each screen shows the exercise's name, position, steps and amount, then what to do now.
Holds, rests and walks count down on one line that updates in place on a terminal
(plain lines when piped); sets of repetitions are counted by the person, who presses
Enter after each. Keys: Enter next, `b` back, `e` the easier version (only one that
passed the person's own filters), `s` skip, `p` pause, `q` stop. At the end: how did
it go? Ctrl-C stops as `q` does: what was done is kept.

The conversation runs on a `Keys` (single keys on a terminal, lines when piped) and a
`Clock` (real time, or faster for tests: BACKPLAN_SESSION_SPEED, never set by a person),
so the same flow runs in a terminal, in a pseudo-terminal under test, or piped.
"""

from __future__ import annotations

import datetime as dt
import os
import select
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, TextIO

from recommender.core.catalog import Exercise
from recommender.core.progress import pain_limit
from recommender.pipeline.recommend import Result
from recommender.pipeline.session import (
    Item,
    Step,
    easier_item,
    pick_session,
    session_items,
    summary_sentences,
)
from recommender.render.text import render_warning

#: Test-only: how many times faster than real time the timers run (1 for people).
SPEED_VARIABLE = "BACKPLAN_SESSION_SPEED"

ENTER = "\n"
KEYS_HELP = "Enter: next   b: back   e: easier   s: skip   p: pause   q: stop"


class Clock:
    """Seconds as the session counts them: real ones, or `speed` times faster."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed if speed > 0 else 1.0

    @classmethod
    def from_environment(cls) -> Clock:
        try:
            return cls(float(os.environ.get(SPEED_VARIABLE, "1")))
        except ValueError:
            return cls()

    def now(self) -> float:
        return time.monotonic() * self.speed


class Keys:
    """Key presses: single keys from a terminal (no Enter needed), or one per line when
    the input is a pipe or a file (an empty line is Enter).

    Bytes are read from the file descriptor itself, one at a time, so that nothing is
    held in a buffer that the questions at the end (read by whole lines) would miss."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.fd = stream.fileno()
        self.raw = _is_terminal(stream)

    def read(self, timeout: Optional[float] = None) -> Optional[str]:
        """The next key (Enter as "\\n"), or None when `timeout` seconds pass first.
        EOFError at the end of the input."""
        if timeout is not None:
            ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
            if not ready:
                return None
        if self.raw:
            byte = os.read(self.fd, 1)
            if not byte:
                raise EOFError
            return ENTER if byte in (b"\r", b"\n") else byte.decode("latin-1").lower()
        line = b""
        while not line.endswith(b"\n"):
            byte = os.read(self.fd, 1)
            if not byte:
                if not line:
                    raise EOFError
                break
            line += byte
        text = line.decode("utf-8", "replace").strip().lower()
        return text[:1] if text else ENTER

    @contextmanager
    def active(self) -> Iterator[None]:
        """Single keys for the duration (cbreak mode on a terminal; nothing otherwise)."""
        if not self.raw:
            yield
            return
        # lazy: POSIX only (the module imports on Windows too)
        import termios
        import tty

        saved = termios.tcgetattr(self.fd)
        try:
            tty.setcbreak(self.fd)
            yield
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)


def _is_terminal(stream: TextIO) -> bool:
    try:
        # lazy: POSIX only (the module imports on Windows too)
        import termios  # noqa: F401  (not on every system)

        return stream.isatty()
    except (ImportError, AttributeError, ValueError):
        return False


class Stop(Exception):
    """The person pressed q (or Ctrl-C): end the exercises, keep what was done."""


class Outcome(NamedTuple):
    """What was done: the exercises finished, skipped and swapped for easier ones."""

    done: tuple[str, ...]
    skipped: tuple[str, ...]
    easier: tuple[str, ...]
    stopped: bool


@dataclass
class GuidedSession:
    """One session's exercises, asked one at a time on `keys`, shown through `say`
    (and `show` for a line that updates in place)."""

    items: list[Item]
    keys: Keys
    say: Callable[[str], None]
    show: Callable[[str], None]
    clock: Clock
    catalog: Mapping[str, Exercise]
    allowed: Callable[[str], bool]
    width: Callable[[], int] = lambda: 78
    bell: bool = False
    live: bool = True
    """A terminal: countdowns update in place; otherwise one line as each begins and ends"""
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    easier: list[str] = field(default_factory=list)

    def run(self) -> Outcome:
        at, stopped = 0, False
        try:
            while at < len(self.items):
                moved = self._exercise(at)
                at = max(at + moved, 0)
        except (Stop, KeyboardInterrupt):
            stopped = True
        return Outcome(tuple(self.done), tuple(self.skipped), tuple(self.easier), stopped)

    # -- one exercise --------------------------------------------------------------

    def _exercise(self, at: int) -> int:
        """Shows the exercise at `at` and runs it; how far to move (1 on, 0 to show it
        again, -1 back)."""
        self._screen(self.items[at], at)
        while True:
            key = self.keys.read()
            if key == ENTER:
                break
            move = self._command(key, at)
            if move is not None:
                return move
        item = self.items[at]
        try:
            for step in item.steps:
                self._step(step)
        except _Key as pressed:  # a key that leaves the exercise part-way
            if pressed.key == "s":
                self.skipped.append(item.exercise.id)
                self.say("  Skipped the rest of this exercise.")
                return 1
            move = self._command(pressed.key, at)
            return 0 if move is None else move  # from the start of the exercise
        self.done.append(item.exercise.id)
        self.say("  Done.")
        return 1

    def _command(self, key: Optional[str], at: int) -> Optional[int]:
        """A key other than Enter: how far to move, or None to stay on the exercise."""
        item = self.items[at]
        if key == "q":
            raise Stop
        if key == "s":
            self.skipped.append(item.exercise.id)
            self.say("  Skipped.")
            return 1
        if key == "b":
            if at == 0:
                self.say("  This is the first exercise.")
                return None
            return -1
        if key == "e":
            variant = easier_item(item, self.catalog, self.allowed)
            if variant is None:
                self.say("  There is no easier version that suits you; try fewer repetitions.")
                return None
            self.easier.append(item.exercise.id)
            self.items[at] = variant
            self.say(f"  Changed to an easier version: {variant.name}.")
            return 0  # shown again, as the easier version
        if key == "p":
            self.say("  Paused: press Enter when you are ready.")
            return None
        self.say(f"  {KEYS_HELP}")
        return None

    def _screen(self, item: Item, at: int) -> None:
        width = self.width()
        self.say("")
        self.say(f"Exercise {at + 1} of {len(self.items)}: {item.name} ({item.where})")
        for number, step in enumerate(item.exercise.steps, 1):
            self._wrapped(step, f"  {number}. ")
        self._wrapped(f"Amount: {item.amount}.", "  ")
        if item.dose.effort:
            self._wrapped(f"How hard: {item.dose.effort}", "  ")
        self._wrapped("Now: get into position, then press Enter to start.", "  ")
        self.say(f"  {KEYS_HELP}" if width >= len(KEYS_HELP) + 2 else "  Keys: Enter b e s p q")

    def _wrapped(self, text: str, first: str) -> None:
        for line in textwrap.wrap(
            " ".join(text.split()),
            self.width(),
            initial_indent=first,
            subsequent_indent=" " * len(first),
        ):
            self.say(line)

    # -- one step ----------------------------------------------------------------------

    def _step(self, step: Step) -> None:
        if step.seconds is None:
            self.say(f"  {step.text}. Press Enter when you have done them.")
            while True:
                key = self.keys.read()
                if key == ENTER:
                    return
                if key == "p":
                    self.say("  Paused: press Enter to go on.")
                elif key in _LEAVING:
                    raise _Key(key)
                else:
                    self.say(f"  {KEYS_HELP}")
        self._countdown(step)

    def _countdown(self, step: Step) -> None:
        """A timed step: the seconds left, on one line; Enter ends it early, p pauses."""
        assert step.seconds is not None
        left = float(step.seconds)
        last = self.clock.now()
        shown = None
        paused = False
        if not self.live:
            self.say(f"  {step.text}: {_clock(step.seconds)}")
        while left > 0:
            whole = int(left + 0.999)
            text = f"  {step.text}: {_clock(whole)}" + (" (paused: p to go on)" if paused else "")
            if text != shown and self.live:
                self.show(text)
            shown = text
            key = self.keys.read(timeout=min(0.25, left) / self.clock.speed)
            now = self.clock.now()
            if not paused:
                left -= now - last
            last = now
            if key is None:
                continue
            if key == "p":
                paused = not paused
            elif key == ENTER:
                break
            elif key in _LEAVING:
                self._ended(f"  {step.text}: stopped")
                raise _Key(key)
        self._ended(f"  {step.text}: done" + ("\a" if self.bell and step.kind == "hold" else ""))

    def _ended(self, text: str) -> None:
        """The last state of a countdown, on its own line either way."""
        if self.live:
            self.show(text)
            self.say("")
        else:
            self.say(text)


#: Keys that leave an exercise part-way: stop, skip its rest, back, its easier version.
_LEAVING = ("q", "s", "b", "e")


class _Key(Exception):
    """A key pressed part-way through an exercise that leaves it."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _clock(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}:{seconds:02d}" if minutes else f"{seconds} s"


# -- the session from start to end ------------------------------------------------------


class HowItWent(NamedTuple):
    """The answers at the end: the highest pain during the exercises, and which hurt."""

    exercise_pain: Optional[int]
    hurt: tuple[str, ...]


def ask_how_it_went(
    items: list[Item], outcome: Outcome, ask: Callable[[str], str], say: Callable[[str], None]
) -> HowItWent:
    """How did it go? Asked with whole lines (the keys are back to normal)."""
    tried = [item for item in items if item.exercise.id in (*outcome.done, *outcome.skipped)]
    if not tried:
        return HowItWent(None, ())
    try:
        return _how_it_went(tried, ask, say)
    except (EOFError, KeyboardInterrupt):
        say("")
        return HowItWent(None, ())


def _how_it_went(
    tried: list[Item], ask: Callable[[str], str], say: Callable[[str], None]
) -> HowItWent:
    say("")
    say("How did it go?")
    pain: Optional[int] = None
    while True:
        reply = ask("  The highest pain during the exercises, 0 (none) to 10 > ").strip()
        if reply.isascii() and reply.isdigit() and int(reply) <= 10:
            pain = int(reply)
            break
        if not reply:
            break
        say("  Please give a whole number from 0 to 10, or press Enter to leave it out.")
    for number, item in enumerate(tried, 1):
        say(f"    {number}) {item.name}")
    while True:
        reply = ask("  Did any of them hurt? Their numbers, or Enter for none > ").strip()
        numbers = reply.replace(",", " ").split()
        if all(n.isascii() and n.isdigit() and 1 <= int(n) <= len(tried) for n in numbers):
            hurt = tuple(dict.fromkeys(tried[int(n) - 1].exercise.id for n in numbers))
            return HowItWent(pain, hurt)
        say(f"  Please give numbers from 1 to {len(tried)}, or press Enter for none.")


def summary_lines(
    items: list[Item], outcome: Outcome, went: HowItWent, pain_limit: int
) -> list[str]:
    """What was done, in words; `pain_limit` is the person's own limit during exercise."""
    names = {item.exercise.id: item.name for item in items}
    return [
        "",
        *summary_sentences(
            names,
            (len(outcome.done), len(items), outcome.stopped),
            outcome.skipped,
            went.hurt,
            (went.exercise_pain, pain_limit),
            easier_hint=" (e)",
        ),
    ]


class Terminal(NamedTuple):
    """Where a session is shown and asked: the keys' stream, a whole-line question, a
    line, a line that replaces the one before, the width to wrap to, and the bell."""

    stdin: TextIO
    ask: Callable[[str], str]
    say: Callable[[str], None]
    show: Callable[[str], None]
    width: Callable[[], int]
    bell: bool = False


class Done(NamedTuple):
    """A session at its end: what was done, how it went, the exercises as done (an
    easier version in place of the one it replaced) and which replaced which."""

    outcome: Outcome
    went: HowItWent
    items: list[Item]
    swapped: dict[str, str]  # the easier version chosen -> the plan's exercise

    @property
    def tried(self) -> bool:
        return bool(self.outcome.done or self.outcome.skipped)


def guide(
    items: Sequence[Item],
    heading: str,
    catalog: Mapping[str, Exercise],
    allowed: Callable[[str], bool],
    limit: int,
    terminal: Terminal,
) -> Done:
    """The exercises one at a time, then how did it go, then what was done."""
    keys = Keys(terminal.stdin)
    guided = GuidedSession(
        list(items),
        keys,
        terminal.say,
        terminal.show,
        Clock.from_environment(),
        catalog,
        allowed,
        width=terminal.width,
        bell=terminal.bell,
        live=keys.raw,
    )
    terminal.say(heading)
    with keys.active():
        outcome = guided.run()
    went = ask_how_it_went(guided.items, outcome, terminal.ask, terminal.say)
    for line in summary_lines(guided.items, outcome, went, limit):
        terminal.say(line)
    swapped = {
        now.exercise.id: was.exercise.id
        for was, now in zip(items, guided.items, strict=True)
        if now.exercise.id != was.exercise.id
    }
    return Done(outcome, went, guided.items, swapped)


def heading(week: int, day: str, count: int, minutes: int) -> str:
    return f"Week {week}, {day.capitalize()}: {count} exercises, about {minutes} minutes."


def run_session(
    result: Result,
    catalog: Mapping[str, Exercise],
    week: int,
    day: Optional[str],
    terminal: Terminal,
    today: Optional[dt.date] = None,
) -> Optional[Done]:
    """Today's session of `result`'s plan: the warning first, and no exercises when
    there is no plan; None when there is none. NoSession for a week or day it lacks."""
    if result.triage.level != "none":
        terminal.say(render_warning(result.triage, width=terminal.width()).rstrip("\n"))
    plan = result.plan
    if plan is None:
        terminal.say(
            "There is no exercise plan, so there is no session to do: follow the advice above."
        )
        return None
    session = pick_session(plan, week, day, today)
    items = session_items(session)
    left_out = {e.exercise for e in result.excluded}
    return guide(
        items,
        heading(week, session.day, len(items), session.minutes),
        catalog,
        lambda exercise_id: exercise_id not in left_out,
        pain_limit(result.answers.pain_intensity),
        terminal,
    )
