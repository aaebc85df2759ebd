"""The errors backplan reports to people, and the exit codes that go with them."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Process exit codes (SPEC section 1; 2 follows click's convention for usage)."""

    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2


class BackplanError(Exception):
    """Base of the errors the command line turns into a message and an exit code."""

    exit_code = ExitCode.BAD_INPUT


class AnswersError(BackplanError):
    """The answers file is unusable. `problems` names every offending field."""

    def __init__(
        self, problems: list[str], source: str = "the answers file", fields: list[str] = ()
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
