"""Where the answers live between pages: in the person's browser, encrypted, never here.

The server keeps no answers. The answers so far travel in one cookie, encrypted and
authenticated with the secret key (Fernet from `cryptography`: AES in CBC mode with an
HMAC over the whole token), so that nobody who sees the cookie (a shared computer, a
proxy log, a browser extension) can read a red-flag answer, and a page can trust what
an earlier page checked. The cookie has no expiry date (the browser drops it when it
closes), is HttpOnly and SameSite=Strict, and is refused after MAX_AGE so that answers
left on a shared computer go stale. Its text is compressed (a whole questionnaire fits
in about 1 KB, well under the 4 KB browsers keep) and padded to a multiple of PAD_TO
bytes before it is encrypted, so that its length tells little about the answers; only
the person's own pages put text into it (the CSRF token keeps other sites out), so
nobody can probe the compressed length with text of their own.

Each questionnaire's state carries a random id. "Clear my answers" and starting again
put that id on the server's list of cleared answers (revoked.py), so that a copy of the
cookie taken before is refused from then on.

Every POST also carries a CSRF token: a random value in a second cookie, and the same
value signed (HMAC-SHA256) in a hidden form field (a signed double submit). A page from
another site can neither read the cookie nor forge the signature.

Both keys are derived (HKDF-SHA256) from the secret key (secret.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any, Optional

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

STATE_COOKIE = "backplan_answers"
CSRF_COOKIE = "backplan_csrf"
CSRF_FIELD = "csrf_token"

#: Answers older than this (seconds since the last page) are refused: start again.
MAX_AGE = 2 * 60 * 60

#: Browsers drop cookies above 4 KB without a word; refuse to write one that big.
MAX_COOKIE = 3800

#: The state's compressed text is padded to a multiple of this before it is encrypted.
PAD_TO = 256

#: No state the pages write is larger than this once decompressed.
MAX_STATE_BYTES = 64 * 1024


class BadState(Exception):
    """A state cookie that decrypts (so it was made with our key) but does not have the
    shape this server writes: answered with 400, never used."""


@dataclass
class State:
    """Everything the questionnaire knows so far."""

    country: Optional[str] = None
    answers: dict[str, Any] = field(default_factory=dict)
    done: list[int] = field(default_factory=list)  # sections checked and kept
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)  # section -> what was typed
    shown_errors: list[int] = field(default_factory=list)  # drafts that failed a check
    reviewing: bool = False  # all sections done once: edits return to the review
    started: bool = False
    # A random id for this questionnaire, so that clearing it can refuse every copy.
    sid: Optional[str] = None
    # The emergency rules that stopped the questions: the stop holds until the person
    # says, on its own page, that they answered by mistake (stop.py).
    stop: list[str] = field(default_factory=list)
    # Emergency rules the person said they had answered by mistake: the result says so.
    withdrawn: list[str] = field(default_factory=list)
    # The yes/no of each part of a question asked in parts (key -> one per part).
    parts: dict[str, list[Optional[bool]]] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        return {
            "c": self.country,
            "a": self.answers,
            "d": self.done,
            "r": self.drafts,
            "e": self.shown_errors,
            "v": self.reviewing,
            "s": self.started,
            "n": self.sid,
            "x": self.stop,
            "w": self.withdrawn,
            "p": self.parts,
        }

    @classmethod
    def from_data(cls, data: Any) -> State:
        """The state `to_data` wrote, or BadState when `data` is anything else."""
        if not isinstance(data, dict) or set(data) != _KEYS:
            raise BadState("not a state")
        country, sid = data["c"], data["n"]
        if not (country is None or (isinstance(country, str) and len(country) <= 3)):
            raise BadState("country")
        if not (sid is None or (isinstance(sid, str) and len(sid) <= 64)):
            raise BadState("id")
        if not isinstance(data["a"], dict) or not isinstance(data["r"], dict):
            raise BadState("answers")
        if not all(isinstance(data[k], bool) for k in ("v", "s")):
            raise BadState("flags")
        return cls(
            country=country,
            answers=data["a"],
            done=_numbers(data["d"]),
            drafts=data["r"],
            shown_errors=_numbers(data["e"]),
            reviewing=data["v"],
            started=data["s"],
            sid=sid,
            stop=_names(data["x"]),
            withdrawn=_names(data["w"]),
            parts=_parts(data["p"]),
        )


_KEYS = set(State().to_data())


def _numbers(value: Any) -> list[int]:
    if not isinstance(value, list) or len(value) > 50:
        raise BadState("numbers")
    if not all(type(n) is int and 0 < n < 100 for n in value) or len(set(value)) < len(value):
        raise BadState("numbers")
    return value


def _names(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > 100:
        raise BadState("names")
    if not all(isinstance(n, str) and 0 < len(n) <= 40 for n in value):
        raise BadState("names")
    return value


def new_sid() -> str:
    return secrets.token_urlsafe(16)


class Keys:
    """Encrypting and checking the state cookie, and signing the CSRF token, with keys
    derived from one secret."""

    def __init__(self, secret: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"answers cookie")))
        self._csrf_key = _derive(secret, b"csrf token")

    def dump_state(self, state: State) -> str:
        text = json.dumps(state.to_data(), separators=(",", ":"), ensure_ascii=False).encode()
        packed = zlib.compress(text, 6)
        # Decompression stops at the end of the compressed stream: the padding after it
        # needs no marker to be taken off.
        packed += b"\0" * (-len(packed) % PAD_TO)
        return self._fernet.encrypt(packed).decode("ascii")

    def load_state(self, cookie: Optional[str]) -> tuple[State, bool]:
        """The state in `cookie`, and whether a cookie was there but could not be used
        (too old, or not ours). BadState when it is ours but not a state's shape."""
        if not cookie:
            return State(), False
        try:
            packed = self._fernet.decrypt(cookie.encode("ascii"), ttl=MAX_AGE)
        except (InvalidToken, UnicodeEncodeError):  # forged, altered, another key, too old
            return State(), True
        try:
            unpacking = zlib.decompressobj()
            text = unpacking.decompress(packed, MAX_STATE_BYTES)
            if unpacking.unconsumed_tail or not unpacking.eof:
                raise BadState("too large, or cut short")
            data = json.loads(text)
        except (zlib.error, ValueError):  # ValueError: also numbers of thousands of digits
            raise BadState("not a state") from None
        return State.from_data(data), False

    @staticmethod
    def new_csrf_cookie() -> str:
        return secrets.token_urlsafe(24)

    def csrf_field(self, cookie_token: str) -> str:
        return cookie_token + "." + self._csrf_signature(cookie_token)

    def csrf_ok(self, cookie_token: Optional[str], sent: Optional[str]) -> bool:
        if not cookie_token or not sent:
            return False
        token, _, signature = sent.rpartition(".")
        expected = self._csrf_signature(cookie_token)
        return hmac.compare_digest(token.encode(), cookie_token.encode()) and hmac.compare_digest(
            signature.encode(), expected.encode()
        )

    def _csrf_signature(self, token: str) -> str:
        digest = hmac.new(self._csrf_key, token.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _parts(value: Any) -> dict[str, list[Optional[bool]]]:
    """The answers to questions asked in parts: short lists of true, false or null."""
    if not isinstance(value, dict) or len(value) > 20:
        raise BadState("parts")
    for key, answers in value.items():
        if not (isinstance(key, str) and len(key) <= 60 and isinstance(answers, list)):
            raise BadState("parts")
        if len(answers) > 5 or not all(a is None or isinstance(a, bool) for a in answers):
            raise BadState("parts")
    return value


def _derive(secret: str, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose; each purpose's key tells nothing of the others."""
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"backplan " + purpose)
    return kdf.derive(secret.encode("utf-8"))
