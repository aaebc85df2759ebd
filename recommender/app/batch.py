"""`backplan batch`: one answers object per line in, one result object per line out.

Lines are read, worked on and written in order, a chunk at a time, so memory stays
flat however long the file is. With several workers each chunk goes to a process of
its own (the rule engine is not thread-safe: one engine per process), and at most a
few chunks are in flight at once, so reading never races ahead of writing.

A bad line gives an error object naming its line number and fields; the batch goes
on. Ctrl-C stops at the next chunk: the chunks under way are finished and written
whole, in order, and no more are started.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, BinaryIO, NamedTuple, Optional

from recommender.core.errors import AnswersError
from recommender.inputs.answers_file import MAX_BYTES, parse_answers

#: Lines per chunk: large enough that passing work between processes is cheap,
#: small enough that a Ctrl-C loses little and memory stays small.
CHUNK_LINES = 200
#: Chunks queued per worker beyond the one it is working on.
AHEAD_PER_WORKER = 2


class Options(NamedTuple):
    weeks: int = 4
    emergency_number: Optional[str] = None
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


@dataclass
class Summary:
    lines: int = 0
    levels: Counter = field(default_factory=Counter)
    errors: int = 0
    plans: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    def add(self, chunk: ChunkResult) -> None:
        self.lines += chunk.lines
        self.levels.update(chunk.levels)
        self.errors += chunk.errors
        self.plans += chunk.plans

    def text(self) -> str:
        levels = ", ".join(
            f"{level} {self.levels[level]:,}" for level in ("emergency", "urgent", "soon", "none")
        )
        rate = self.lines / self.seconds if self.seconds else 0.0
        head = "interrupted: " if self.interrupted else ""
        return (
            f"backplan batch: {head}{self.lines:,} lines: {self.lines - self.errors:,} results "
            f"({levels}), {self.plans:,} with a plan, {self.errors:,} errors; "
            f"{self.seconds:.1f} s, {rate:,.0f} lines/s"
        )


# -- one chunk, in whichever process ---------------------------------------------------

_RECOMMENDER = None
_OPTIONS = Options()


def _setup(options: Options, quiet_interrupts: bool) -> None:
    """Load the rules and compile the engine once per process."""
    global _RECOMMENDER, _OPTIONS
    from pathlib import Path

    from recommender.pipeline.recommend import Recommender

    if quiet_interrupts:
        # Ctrl-C reaches the whole process group; the parent alone decides what to do.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _OPTIONS = options
    _RECOMMENDER = Recommender.load(
        Path(options.rules) if options.rules else None, engine=options.engine
    )


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
    assert _RECOMMENDER is not None, "call _setup first"
    out: list[str] = []
    levels: Counter = Counter()
    errors = plans = 0
    for number, data in chunk.lines():
        try:
            if data is None:
                raise AnswersError([f"is longer than {MAX_BYTES // 1024} KB"], f"line {number}")
            answers = parse_answers(data, f"line {number}")
            result = _RECOMMENDER.recommend(
                answers, weeks=_OPTIONS.weeks, emergency_number=_OPTIONS.emergency_number
            )
        except AnswersError as exc:
            errors += 1
            out.append(_compact({"line": number, "error": exc.message(), "fields": exc.fields}))
            continue
        levels[result.triage.level] += 1
        plans += result.plan is not None
        out.append(_compact(result.to_dict()))
    text = "".join(line + "\n" for line in out).encode("utf-8")
    return ChunkResult(text, len(out), levels, errors, plans)


def _compact(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


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


# -- the run ------------------------------------------------------------------------------


class _StopRequest:
    """Ctrl-C as a request, honoured between chunks, so no line is ever cut in half.

    A second Ctrl-C stops at once (results not yet written are then dropped).
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None  # the SIGINT handler to put back

    def __enter__(self) -> _StopRequest:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: object) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True


def run_batch(
    source: BinaryIO,
    sink: BinaryIO,
    options: Options,
    workers: int = 1,
    progress: Optional[Callable[[Summary], None]] = None,
) -> Summary:
    """Process every line of `source` into `sink`, in order; returns the summary.

    Ctrl-C stops reading at the next chunk; every chunk already under way is finished
    and written whole, and `interrupted` is set in the summary.
    """
    summary = Summary()
    start = time.perf_counter()

    def write(chunk: ChunkResult) -> None:
        sink.write(chunk.text)
        sink.flush()
        summary.add(chunk)
        summary.seconds = time.perf_counter() - start
        if progress:
            progress(summary)
        if summary.lines % TRIM_EVERY_LINES < chunk.lines:
            release_free_memory()

    with _StopRequest() as stop:
        try:
            if workers <= 1:
                _setup(options, quiet_interrupts=False)
                for chunk in chunks(numbered_lines(source)):
                    write(work(chunk))
                    if stop.requested:
                        break
            else:
                _run_parallel(source, options, workers, write, stop)
        except KeyboardInterrupt:  # a second Ctrl-C
            stop.requested = True
    summary.interrupted = stop.requested
    summary.seconds = time.perf_counter() - start
    return summary


def _run_parallel(
    source: BinaryIO,
    options: Options,
    workers: int,
    write: Callable[[ChunkResult], None],
    stop: _StopRequest,
) -> None:
    import multiprocessing

    # fork starts workers at once with everything already imported; elsewhere (or
    # where fork is unavailable) spawn is the safe default.
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    pending: deque[Future] = deque()
    limit = workers * (1 + AHEAD_PER_WORKER)
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_setup, initargs=(options, True)
    )
    try:
        for chunk in chunks(numbered_lines(source)):
            pending.append(pool.submit(work, chunk))
            while len(pending) >= limit or (pending and pending[0].done()):
                write(pending.popleft().result())
            if stop.requested:
                break
        while pending:  # finish what is under way (a few chunks at most), in order
            write(pending.popleft().result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


#: How often the parent hands freed memory back to the system (see below).
TRIM_EVERY_LINES = 20_000


@lru_cache(maxsize=1)
def _malloc_trim() -> Optional[Callable[[int], int]]:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_free_memory() -> None:
    """Return freed heap memory to the system, where the C library allows it.

    The parent receives each chunk's results as one block of a different size; glibc
    then serves the next blocks from the heap and leaves the freed ones scattered in
    it, so the parent's resident memory creeps up over millions of lines although
    nothing is kept. malloc_trim gives those free pages back (about a millisecond).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def default_workers() -> int:
    return os.cpu_count() or 1


def run_batch_command(
    source: str,
    output: Optional[str],
    options: Options,
    workers: Optional[int],
    private: bool = False,
) -> Summary:
    """`backplan batch`: open the input and output, run, and report on standard error
    (with a progress line while it runs in a terminal)."""
    import sys
    from contextlib import nullcontext

    import click

    from recommender.app.output import open_output, refuse_same_file
    from recommender.inputs.answers_file import open_input

    if options.engine is not None or workers == 1:
        from recommender.rulebook.engines import create_engine

        create_engine({}, options.engine)  # refuse an unusable engine before any work
    refuse_same_file(source, output)  # before anything is truncated
    stream = sys.stdin.buffer if source == "-" else open_input(source, "a JSON Lines file")
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        with open_output(output, private) if output else nullcontext(sys.stdout.buffer) as sink:
            summary = run_batch(stream, sink, options, workers or default_workers(), progress)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if progress:
        click.echo("\r" + " " * 78 + "\r", nl=False, err=True)
    click.echo(summary.text(), err=True)
    return summary


class _Progress:
    """A progress line on the terminal, redrawn at most five times a second."""

    def __init__(self) -> None:
        self.shown = 0.0

    def __call__(self, summary: Summary) -> None:
        import time

        import click

        now = time.monotonic()
        if now - self.shown < 0.2:
            return
        self.shown = now
        rate = summary.lines / summary.seconds if summary.seconds else 0
        click.echo(
            f"\r  {summary.lines:,} lines, {rate:,.0f}/s, {summary.errors:,} errors ",
            nl=False,
            err=True,
        )
