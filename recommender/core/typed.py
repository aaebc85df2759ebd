"""Text from outside (typed on a command line, read from a file, a database or a web
form): reading a whole number from it, and showing it back in a message safely."""

from __future__ import annotations

import re
from typing import Optional

from recommender.core.answers import UNPRINTABLE

#: No count, score or number of weeks backplan reads is longer than this.
MAX_DIGITS = 9

_DIGITS = re.compile(r"[0-9]+")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,60}")


def whole_number(text: str, digits: int = MAX_DIGITS) -> Optional[int]:
    """The whole number `text` writes in ASCII digits, or None.

    `str.isdigit` also accepts digits that `int` refuses ("²", "①") and `int` refuses a
    string of thousands of digits, so neither is used alone on outside text.
    """
    text = text.strip()
    if len(text) > digits or not _DIGITS.fullmatch(text):
        return None
    return int(text)


def escaped(text: str) -> str:
    """`text` with everything a terminal would act on (controls, escape sequences,
    bidirectional overrides, line separators) written out as \\uXXXX.

    The one escaping function: every piece of outside text that a message echoes back
    goes through it, so that a file or a database cannot retitle the terminal, hide a
    link (OSC 8) or reorder a line.
    """
    return UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown(text: str, limit: int = 40) -> str:
    """Echoed outside text, escaped and cut to `limit` characters."""
    return escaped(text if len(text) <= limit else text[: limit - 3] + "...")


def quoted(text: str, limit: int = 60) -> str:
    """Outside text in quotes (as Python writes a string), escaped and cut to `limit`."""
    return escaped(repr(text[: limit - 3] + "..." if len(text) > limit else text))


def named(key: str) -> str:
    """A key or name from outside, as is when it is plain (letters, digits, "_", "."
    and "-"), else `quoted`."""
    return key if _PLAIN_NAME.fullmatch(key) else quoted(key)
