"""One path for errors: backplan's own errors become one message and their exit code,
Ctrl-C exits 130, and anything unexpected is reported plainly, never as a traceback.

A standard stream the shell closed (`backplan batch - <&-`, `backplan plan >&-`) is
None in Python; it is replaced by a stand-in that, when used, raises ClosedStream, a
sentence with exit code 1, rather than failing somewhere inside.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from recommender.core.errors import BackplanError, ExitCode


class ClosedStream(BackplanError):
    """A standard stream was closed when backplan started: not the person's answers'
    fault, nor ours, but the machine's setting (exit code 1)."""

    exit_code = ExitCode.INTERNAL


class _Closed:
    """Stands in for a closed standard stream, its text and its bytes alike."""

    def __init__(self, message: str) -> None:
        self._message = message

    @property
    def buffer(self) -> _Closed:
        return self

    def isatty(self) -> bool:
        return False

    def fail(self, *args: object, **kwargs: object) -> NoReturn:
        raise ClosedStream(self._message)

    read = readline = readinto = write = fileno = __iter__ = __next__ = fail

    def flush(self) -> None:
        """Nothing is ever held to flush (Python flushes standard output at exit)."""

    def close(self) -> None:
        """Already closed (a worker process closes its standard input as it starts)."""


def stand_in_for_closed_streams() -> None:
    if sys.stdin is None:
        sys.stdin = _Closed(
            "standard input is closed, so there is nothing to read: give a file, or "
            "send the input through a pipe"
        )
    if sys.stdout is None:
        sys.stdout = _Closed(
            "standard output is closed, so the result could not be shown: write it to a "
            "file with -o FILE, or leave standard output open"
        )


class BackplanGroup(click.Group):
    """The command group: translates backplan's errors into messages and exit codes,
    once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        stand_in_for_closed_streams()
        try:
            return super().invoke(ctx)
        except BackplanError as exc:
            click.echo(f"backplan: {exc}", err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("\nbackplan: stopped.", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except BrokenPipeError:
            # The reader went away (`backplan plan | head`): stop quietly, as any Unix
            # tool does, and keep Python from complaining when it flushes at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(int(ExitCode.CLOSED_PIPE))
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("BACKPLAN_DEBUG"):
                raise
            # Our fault, never the person's: say so plainly, without a traceback.
            click.echo(
                f"backplan: internal error ({type(exc).__name__}: {exc}). Please report it; "
                "set BACKPLAN_DEBUG=1 to see the details.",
                err=True,
            )
            ctx.exit(int(ExitCode.INTERNAL))
