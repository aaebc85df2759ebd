"""One path for errors: backplan's own errors become one message and their exit code,
Ctrl-C exits 130, and anything unexpected is reported plainly, never as a traceback."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from recommender.core.errors import BackplanError, ExitCode


class BackplanGroup(click.Group):
    """The command group: translates backplan's errors into messages and exit codes,
    once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
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
