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

import contextlib
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, BinaryIO, Optional

import click

from recommender.app.batch_lines import (
    AHEAD_PER_WORKER,
    STOP_SIGNALS,
    ChunkResult,
    Options,
    chunks,
    numbered_lines,
    setup,
    work,
)
from recommender.app.output import open_output, refuse_same_file
from recommender.inputs.answers_file import open_input
from recommender.rulebook.engines import create_engine


@dataclass
class Summary:
    lines: int = 0
    levels: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    plans: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    stopped_by: int = signal.SIGINT  # the signal that asked for the stop, if one did
    lost_from: Optional[int] = None  # the first line a dead worker never gave back

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
        text = (
            f"backplan batch: {head}{self.lines:,} lines: {self.lines - self.errors:,} results "
            f"({levels}), {self.plans:,} with a plan, {self.errors:,} errors; "
            f"{self.seconds:.1f} s, {rate:,.0f} lines/s"
        )
        if self.lost_from is not None:
            text += (
                f"\nbackplan batch: a worker process was stopped from outside (killed?); "
                f"lines {self.lost_from:,} onwards were not processed. The results written "
                "before them are complete; run the batch again from that line."
            )
        return text


# -- the run ------------------------------------------------------------------------------


class _StopRequest:
    """A stop signal as a request, honoured between chunks, so no line is ever cut in
    half; the workers are then shut down and the summary printed.

    A second signal stops at once (results not yet written are then dropped).
    """

    def __init__(self) -> None:
        self.requested = False
        self.signum: int = signal.SIGINT
        self._previous: dict[int, Any] = {}  # the handlers to put back

    def __enter__(self) -> _StopRequest:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.signum = signum


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
                setup(options, quiet_interrupts=False)
                for chunk in chunks(numbered_lines(source)):
                    write(work(chunk))
                    if stop.requested:
                        break
            else:
                _run_parallel(source, options, workers, write, stop)
        except KeyboardInterrupt:  # a second Ctrl-C
            stop.requested = True
        except _WorkerLost as lost:
            summary.lost_from = lost.first_line
    summary.interrupted = stop.requested
    summary.stopped_by = stop.signum
    summary.seconds = time.perf_counter() - start
    return summary


def _run_parallel(
    source: BinaryIO,
    options: Options,
    workers: int,
    write: Callable[[ChunkResult], None],
    stop: _StopRequest,
) -> None:
    # lazy: multiprocessing is loaded only by the commands that use it
    import multiprocessing

    # fork starts workers at once with everything already imported; elsewhere (or
    # where fork is unavailable) spawn is the safe default.
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    # lazy: concurrent.futures is loaded only by the commands that use it
    from concurrent.futures.process import BrokenProcessPool

    pending: deque[tuple[int, Future[ChunkResult]]] = deque()
    limit = workers * (1 + AHEAD_PER_WORKER)
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=setup, initargs=(options, True, os.getpid())
    )
    watch: Optional[_WorkerWatch] = None

    def write_first() -> None:
        first, future = pending.popleft()
        try:
            write(future.result())
        except BrokenProcessPool:  # a worker was killed: its chunk is gone
            raise _WorkerLost(first) from None

    try:
        for chunk in chunks(numbered_lines(source)):
            try:
                future = pool.submit(work, chunk)
            except BrokenProcessPool:  # a worker died since the last chunk went out
                while pending:  # the chunks finished before it, then the lost one
                    write_first()
                raise _WorkerLost(chunk.first) from None
            if watch is None:  # once the pool has started all its workers (with fork, at once)
                started = context.active_children()
                if len(started) >= workers:
                    watch = _WorkerWatch(started, pool)
            pending.append((chunk.first, future))
            while len(pending) >= limit or (pending and pending[0][1].done()):
                write_first()
            if stop.requested:
                break
        while pending:  # finish what is under way (a few chunks at most), in order
            write_first()
    except BaseException:
        # A lost worker, or a second Ctrl-C: the others are ended, not waited for.
        if watch is not None:
            watch.close(end_workers=True)
        raise
    finally:
        if watch is not None:
            watch.close(end_workers=False)
        pool.shutdown(wait=True, cancel_futures=True)


class _WorkerWatch:
    """Ends the other workers the moment one dies, which the pool cannot do itself.

    Workers ignore SIGTERM (the parent alone decides when they stop), and that is what
    the pool sends them when it finds one dead; it then waits for them to end while
    holding the lock that `submit` takes, so the batch would hang (seen on Python 3.13).
    Other workers may also sit blocked handing back results nobody will read.

    And a worker killed halfway through handing back a result leaves the pool's reader
    waiting for the rest of it for ever: the parent holds a copy of the results pipe's
    writing end, which the pool never uses, so the pipe never reports its end. Once
    the workers are gone that copy is closed, the reader meets the end of the pipe,
    and the pool reports itself broken as it should.
    """

    def __init__(self, workers: list[Any], pool: ProcessPoolExecutor) -> None:
        self._workers = workers
        self._pool = pool
        self._closing = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        self._thread = threading.Thread(target=self._run, name="worker-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # lazy: multiprocessing is loaded only by the commands that use it
        from multiprocessing.connection import wait

        wait([w.sentinel for w in self._workers] + [self._wake_read])
        if not self._closing.is_set():  # a worker ended while the batch was running
            self._end_workers()

    def _end_workers(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(ValueError):  # a process object already closed
                worker.kill()  # SIGKILL; nothing if it has ended and been reaped
        # The pool's own attribute (CPython 3.8 to 3.13); without it, nothing to do.
        with contextlib.suppress(AttributeError, OSError):
            self._pool._result_queue._writer.close()  # type: ignore[attr-defined]

    def close(self, end_workers: bool) -> None:
        """The batch is ending: either the workers are told to stop as usual, or
        (`end_workers`, when it failed) they are ended here and now."""
        if self._closing.is_set():
            return
        self._closing.set()
        if end_workers:
            self._end_workers()
        os.write(self._wake_write, b"x")
        self._thread.join()
        os.close(self._wake_read)
        os.close(self._wake_write)


class _WorkerLost(Exception):
    """A worker process died (killed from outside); lines from `first_line` are lost."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line


#: How often the parent hands freed memory back to the system (see below).
TRIM_EVERY_LINES = 20_000


@lru_cache(maxsize=1)
def _malloc_trim() -> Optional[Callable[[int], int]]:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # lazy: ctypes is loaded only by the commands that use it
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
    if options.engine is not None or workers == 1:
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
