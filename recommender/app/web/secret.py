"""The web app's secret key: $BACKPLAN_SECRET_KEY, refused when it is weak.

Every key the app uses (the answers cookie's cipher, the CSRF signature) is derived
from this one (state.py), so that several workers or replicas behind one proxy accept
each other's pages; without it each process makes its own (`backplan serve` makes one
and hands it to its workers). A configured key must be strong: one cookie is enough to
try every short key offline, and then to read or forge any person's answers.

Kept apart from state.py so that the server's supervisor, which only checks the key,
never loads the cryptography library its workers use.
"""

from __future__ import annotations

import math
import os
import secrets
import string
from typing import Optional

from recommender.core.errors import BackplanError

SECRET_ENV = "BACKPLAN_SECRET_KEY"

#: A configured secret key must carry at least this much randomness (32 bytes).
KEY_BITS = 256

MAKE_A_KEY = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'

_process_secret: list[str] = []


class WeakSecretKey(BackplanError):
    """$BACKPLAN_SECRET_KEY is too weak to protect the answers (exit code 2)."""


def secret_key() -> str:
    """The secret key: $BACKPLAN_SECRET_KEY (refused when weak), or one made for this
    process."""
    configured = os.environ.get(SECRET_ENV, "")
    if configured:
        problem = key_problem(configured)
        if problem:
            raise WeakSecretKey(problem)
        return configured
    if not _process_secret:
        _process_secret.append(secrets.token_urlsafe(32))
    return _process_secret[0]


def key_problem(key: str) -> Optional[str]:
    """Why `key` is too weak, in a sentence that says how to make a good one; None when
    it will do. The key itself is never repeated.

    A key's randomness cannot be measured from the key itself; this is an upper bound
    (its length times the bits of the kinds of characters it uses, counting a repeated
    block once), which refuses short keys, typed words and patterns. A key made as
    MAKE_A_KEY shows (43 characters of 64 kinds) or 64 hexadecimal digits passes.
    """
    bits = estimated_bits(key)
    if bits >= KEY_BITS and len(set(key)) >= 8:
        return None
    return (
        f"{SECRET_ENV} is too weak: it needs at least 32 random bytes ({KEY_BITS} bits), "
        f"and this one holds at most {bits}. Make one with: {MAKE_A_KEY}"
    )


def estimated_bits(key: str) -> int:
    """At most how many bits of randomness `key` holds (see key_problem)."""
    period = (key + key).find(key, 1)
    block = key[:period] if 0 < period < len(key) else key
    alphabet = 0
    for kind, size in (
        (string.digits, 10),
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
    ):
        if any(c in kind for c in block):
            alphabet += size
    if any(not c.isascii() or not c.isalnum() for c in block):
        alphabet += 33  # punctuation, "-" and "_" of URL-safe base64, and anything else
    if any(c in string.ascii_lowercase for c in block) and any(
        c in string.ascii_uppercase for c in block
    ):
        # Mixed-case letters are what base64 looks like: one key in 7,000 of those
        # MAKE_A_KEY makes holds no digit, "-" or "_", and must not be refused.
        alphabet = max(alphabet, 64)
    return int(len(block) * math.log2(alphabet)) if alphabet else 0
