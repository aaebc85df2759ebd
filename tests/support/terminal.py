"""A program at a real terminal, as the tests drive it through pexpect.

pexpect ships no type information and the lock holds no stubs for it (types-pexpect), so
mypy sees `pexpect.spawn(...)` as Any. The tests hold each child as a `Child` instead:
the part of pexpect's spawn class they use, as typeshed's stubs type it for a child
started with an `encoding` (text, not bytes), so each call the tests make is checked.
pyright, which bundles those stubs, accepts a `pexpect.spawn` as a `Child`. Should the
lock gain types-pexpect, the tests can name `pexpect.spawn` and this module can go.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol, Union

if TYPE_CHECKING:  # pexpect is not installed where there is no pseudo-terminal (Windows)
    from pexpect import EOF, TIMEOUT

#: What expect() waits for: a regular expression (as text or compiled), or pexpect.EOF or
#: pexpect.TIMEOUT (classes), or a list of these (then expect() gives the index of the one
#: that matched). As pexpect declares it, so that its spawn class is a Child.
Pattern = Union[str, bytes, "re.Pattern[str]", "re.Pattern[bytes]", "type[EOF]", "type[TIMEOUT]"]


class Child(Protocol):
    """A child process at a pseudo-terminal (a `pexpect.spawn` with an encoding)."""

    @property
    def before(self) -> str | None:
        """The text the last expect() passed over on its way to its match (None before
        the first)."""
        ...

    @property
    def match(self) -> re.Match[str] | type[EOF] | type[TIMEOUT] | None:
        """What the last expect() matched: the regular expression's match, or
        pexpect.EOF or pexpect.TIMEOUT (None before the first)."""
        ...

    @property
    def exitstatus(self) -> int | None:
        """The exit code once close() has reaped the child (None if a signal ended it)."""
        ...

    def expect(self, pattern: Pattern | list[Pattern], timeout: float | None = ...) -> int:
        """Wait for `pattern` in the output; the index of the one matched."""
        ...

    def send(self, s: str) -> int:
        """Type `s` (no Enter); the number of bytes written."""
        ...

    def sendline(self, s: str = ...) -> int:
        """Type `s` and Enter; the number of bytes written."""
        ...

    def sendintr(self) -> None:
        """Press Ctrl-C."""
        ...

    def setwinsize(self, rows: int, cols: int) -> None:
        """Resize the terminal (the child gets SIGWINCH)."""
        ...

    def close(self, force: bool = ...) -> None:
        """Close the terminal and wait for the child to end."""
        ...


def text_before(child: Child) -> str:
    """The text the child's last expect() passed over."""
    assert child.before is not None, "no expect() has run"
    return child.before


def matched(child: Child) -> re.Match[str]:
    """The match of the regular expression the child's last expect() waited for."""
    assert isinstance(child.match, re.Match), child.match
    return child.match
