"""Reading a batch's lines into chunks, and working on one chunk in whichever process
holds it: every line's result, or its error object, in order."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple, Optional

from recommender.core import jsonline
from recommender.core.answers import in_country
from recommender.core.errors import AnswersError
from recommender.inputs.answers_file import MAX_BYTES, parse_answers
from recommender.pipeline.recommend import Recommender
from recommender.render.json_result import compact_utf8

#: Lines per chunk: large enough that passing work between processes is cheap,
#: small enough that a Ctrl-C loses little and memory stays small.
CHUNK_LINES = 200
#: Chunks queued per worker beyond the one it is working on.
AHEAD_PER_WORKER = 2


#: The signals that ask a batch to stop: Ctrl-C, `kill` (as a service manager stops a
#: job) and a closed terminal. Each is honoured the same way.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Options(NamedTuple):
    weeks: int = 4
    country: Optional[str] = None
    """A country for every line (`--country`), over each line's own"""
    engine: Optional[str] = None
    rules: Optional[str] = None


class ChunkResult(NamedTuple):
    # One JSON object per input line, each ending in a newline, already encoded: one
    # block of bytes per chunk keeps the parent's memory flat over millions of lines.
    text: bytes
    lines: int
    levels: Counter[str]  # results by triage level
    errors: int
    plans: int


# -- one chunk, in whichever process ---------------------------------------------------

_RECOMMENDER = None
_OPTIONS = Options()


def setup(options: Options, quiet_interrupts: bool, parent: Optional[int] = None) -> None:
    """Load the rules and compile the engine once per process; a worker (`parent` is
    the batch's process id) also ends when the batch does."""
    global _RECOMMENDER, _OPTIONS

    if parent is not None:
        end_with_parent(parent)
    if quiet_interrupts:
        # Ctrl-C (or a signal to the whole group) reaches every worker; the parent alone
        # decides what to do, and shuts the workers down itself.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
    _OPTIONS = options
    _RECOMMENDER = Recommender.load(
        Path(options.rules) if options.rules else None, engine=options.engine
    )


#: prctl(2)'s option: the signal a process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """End this worker when the batch process `parent` dies, however it dies.

    The batch stops its workers itself when it ends, even on Ctrl-C; but killed with
    SIGKILL, or by the out-of-memory killer, it cannot, and its workers would wait for
    work for ever. On Linux the kernel kills them (PR_SET_PDEATHSIG); elsewhere a
    thread notices that the parent is gone within a second.
    """
    if sys.platform.startswith("linux"):
        try:
            # lazy: ctypes is loaded only by the commands that use it
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # it died before the call: nobody would say
                    os._exit(1)
                return
        except (OSError, AttributeError):  # no C library to call: watch instead
            pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)  # nothing of the worker's is worth finishing: its batch is gone


class Chunk(NamedTuple):
    """Consecutive input lines, packed as one block of bytes.

    One block rather than a list of lines: a chunk crosses to a worker process and
    back, and a few large objects per chunk (instead of hundreds of small ones freed
    on another thread) keep the parent's memory flat over millions of lines.
    """

    first: int  # the number of the first line
    text: bytes  # the lines, joined by newlines
    too_long: frozenset[int]  # numbers of lines dropped as longer than MAX_BYTES

    def lines(self) -> Iterator[tuple[int, Optional[bytes]]]:
        for offset, data in enumerate(self.text.split(b"\n")):
            number = self.first + offset
            yield number, None if number in self.too_long else data


def work(chunk: Chunk) -> ChunkResult:
    """The result (or error object) of every line of a chunk, in order."""
    assert _RECOMMENDER is not None, "call setup first"
    # The lines are encoded straight into one block: building it from text cost more
    # than writing the JSON (benchmarks/bench.py (b)).
    out = bytearray()
    lines = 0
    levels: Counter[str] = Counter()
    errors = plans = 0
    for number, data in chunk.lines():
        try:
            if data is None:
                raise AnswersError([f"is longer than {MAX_BYTES // 1024} KB"], f"line {number}")
            answers = parse_answers(data, f"line {number}")
            result = _RECOMMENDER.recommend(
                in_country(answers, _OPTIONS.country), weeks=_OPTIONS.weeks
            )
        except AnswersError as exc:
            errors += 1
            out += jsonline.dumps_utf8(
                {"line": number, "error": exc.message(), "fields": exc.fields}
            )
        except Exception as exc:  # one line must never stop the batch
            errors += 1
            problem = (
                f"line {number}: could not be processed ({type(exc).__name__}); please report it"
            )
            out += jsonline.dumps_utf8({"line": number, "error": problem, "fields": []})
        else:
            levels[result.triage.level] += 1
            plans += result.plan is not None
            out += compact_utf8(result)
        out += b"\n"
        lines += 1
    return ChunkResult(bytes(out), lines, levels, errors, plans)


# -- reading ------------------------------------------------------------------------------


def numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, Optional[bytes]]]:
    """(line number, bytes) for each line; None for a line over MAX_BYTES, whose
    rest is skipped without ever being held in memory."""
    number = 0
    while True:
        line = stream.readline(MAX_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_BYTES and not line.endswith(b"\n"):
            while True:  # drain the rest of the long line
                rest = stream.readline(MAX_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
        else:
            yield number, line.rstrip(b"\r\n")


def chunks(lines: Iterator[tuple[int, Optional[bytes]]]) -> Iterator[Chunk]:
    """The numbered lines, CHUNK_LINES at a time."""
    batch: list[bytes] = []
    too_long: set[int] = set()
    first = 1
    for number, data in lines:
        if not batch:
            first = number
        if data is None:
            too_long.add(number)
        batch.append(data or b"")
        if len(batch) == CHUNK_LINES:
            yield Chunk(first, b"\n".join(batch), frozenset(too_long))
            batch, too_long = [], set()
    if batch:
        yield Chunk(first, b"\n".join(batch), frozenset(too_long))
