"""Passwords, hashed with Argon2id (argon2-cffi) and never logged or shown.

The parameters are OWASP's for Argon2id (Password Storage Cheat Sheet: 19 MiB, 2
passes, 1 lane): about 25 ms of CPU a hash on the 2-core development machine. RFC
9106's 64 MiB, 3 passes, 4 lanes cost 216 ms, and with 200 patients signing in within
half a minute (benchmarks/clinic_load.py) sign-ins queued for over 20 s and were cut
off. A hash made with other parameters is verified as it is and made again with these
at the next sign-in.

A web worker answers many requests at once in threads: at most HASHES_AT_ONCE hashes
run in a process at a time, and a sign-in that cannot have its turn within TURN_WAIT
seconds is answered "busy, try again" (Busy) rather than holding a thread that other
pages need.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, Optional

#: OWASP's Argon2id configuration: memory in KiB, passes, lanes.
MEMORY_KIB = 19 * 1024
PASSES = 2
LANES = 1
#: Hashes computed at once in one process, and how long a sign-in waits for its turn.
HASHES_AT_ONCE = 4
TURN_WAIT = 5.0
MIN_LENGTH = 10
MAX_LENGTH = 200

_turns = threading.BoundedSemaphore(HASHES_AT_ONCE)


class Busy(Exception):
    """Too many passwords are being checked in this process just now."""


@lru_cache(maxsize=1)
def _hasher() -> Any:
    # lazy: argon2 is loaded only by the commands that use it
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=PASSES, memory_cost=MEMORY_KIB, parallelism=LANES)


def _turn() -> None:
    if not _turns.acquire(timeout=TURN_WAIT):
        raise Busy


def problem(password: str, email: str) -> Optional[str]:
    """Why a new password will not do, in words; None when it will."""
    if len(password) < MIN_LENGTH:
        return f"Choose a password of at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Choose a password of at most {MAX_LENGTH} characters."
    if len(set(password)) < 4:
        return "Choose a password that is not one character repeated."
    if password.casefold() in (email.casefold(), email.split("@")[0].casefold()):
        return "Choose a password that is not your email address."
    return None


def hash_password(password: str) -> str:
    _turn()
    try:
        return str(_hasher().hash(password))
    finally:
        _turns.release()


def verify(stored: Optional[str], password: str) -> bool:
    """True when `password` is the one `stored` was made from. With no stored hash (no
    such account, or one not yet set up) a hash is still checked, so that the answer
    takes as long and says nothing about which accounts exist."""
    # lazy: argon2 is loaded only by the commands that use it
    from argon2.exceptions import InvalidHashError, VerificationError

    dummy = _dummy()  # made once, before taking a turn
    _turn()
    try:
        return bool(_hasher().verify(stored or dummy, password)) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
    finally:
        _turns.release()


def needs_rehash(stored: str) -> bool:
    """The hash was made with older parameters than the hasher's now."""
    return bool(_hasher().check_needs_rehash(stored))


@lru_cache(maxsize=1)
def _dummy() -> str:
    return str(_hasher().hash("not a password anyone has"))
