"""Random secrets handed to people, and how they are kept: only as their SHA-256.

A session id (in a cookie) and an invite code (in a link, or read out) are random and
long enough that guessing one is hopeless; the database keeps their hashes, so that a
copy of the tables opens no session and redeems no invite.
"""

from __future__ import annotations

import hashlib
import secrets

#: Invite codes are read aloud or typed from a message: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 16 characters of 31: 79 bits
CODE_GROUP = 4


def new_session_id() -> str:
    """A session cookie's value: 256 random bits."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """An invite code such as ABCD-EFGH-JKMN-PQRS."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normal_code(text: str) -> str:
    """A code as typed (any case, spaces or dashes anywhere) in its one written form."""
    raw = "".join(c for c in text.upper() if c.isalnum())
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def digest(secret: str) -> str:
    """What the database keeps of a session id or a code."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
