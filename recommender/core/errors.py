"""The errors backplan reports to people, and the exit codes that go with them."""

from __future__ import annotations

import enum
from collections.abc import Sequence


class ExitCode(enum.IntEnum):
    """Process exit codes (docs/using.md, "Commands"; 2 follows click's convention for
    usage, and 130 the shell's for a program stopped by Ctrl-C)."""

    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2
    EXAMPLES_FAILED = 3
    INTERRUPTED = 130
    CLOSED_PIPE = 141  # as the shell reports a program stopped by SIGPIPE


class BackplanError(Exception):
    """Base of the errors the command line turns into a message and an exit code."""

    exit_code = ExitCode.BAD_INPUT


class AnswersError(BackplanError):
    """The answers file is unusable. `problems` names every offending field."""

    def __init__(
        self,
        problems: list[str],
        source: str = "the answers file",
        fields: Sequence[str] = (),
    ) -> None:
        self.problems = problems
        self.source = source
        self.fields = list(fields)  # the dotted answers keys at fault, where known
        super().__init__(self.message())

    def message(self) -> str:
        if len(self.problems) == 1:
            return f"{self.source}: {self.problems[0]}"
        lines = [f"{self.source} has {len(self.problems)} problems:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class DataFileError(BackplanError):
    """A rule or catalog file is broken; the message names the file and the rule or id."""


class EngineError(BackplanError):
    """The rule engine failed. This is our fault, never the person's."""

    exit_code = ExitCode.INTERNAL
