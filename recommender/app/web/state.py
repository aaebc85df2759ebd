"""Where the answers live between pages: in the person's browser, signed, never here.

The server keeps nothing. The answers so far travel in one cookie, signed with
itsdangerous so that a page can trust what an earlier page checked; the cookie has no
expiry date (the browser drops it when it closes), is HttpOnly and SameSite=Strict, and
its signature is refused after MAX_AGE so that answers left on a shared computer go
stale. "Start again" and the end of the questionnaire can clear it at any time.

Every POST also carries a CSRF token: a random value in a second cookie, and the same
value signed in a hidden form field (a signed double submit). A page from another site
can neither read the cookie nor forge the signature.

The signing key comes from $BACKPLAN_SECRET_KEY, so that several workers or replicas
behind one proxy accept each other's pages; without it each process makes its own
(`backplan serve` makes one and hands it to its workers).
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass, field
from typing import Any, Optional

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

SECRET_ENV = "BACKPLAN_SECRET_KEY"
STATE_COOKIE = "backplan_answers"
CSRF_COOKIE = "backplan_csrf"
CSRF_FIELD = "csrf_token"

#: Answers older than this (seconds since the last page) are refused: start again.
MAX_AGE = 2 * 60 * 60

#: Browsers drop cookies above 4 KB without a word; refuse to write one that big.
MAX_COOKIE = 3800

_process_secret: list[str] = []


def secret_key() -> str:
    """The signing key: $BACKPLAN_SECRET_KEY, or one made for this process."""
    configured = os.environ.get(SECRET_ENV, "")
    if configured:
        return configured
    if not _process_secret:
        _process_secret.append(secrets.token_urlsafe(32))
    return _process_secret[0]


@dataclass
class State:
    """Everything the questionnaire knows so far."""

    country: Optional[str] = None
    answers: dict = field(default_factory=dict)
    done: list[int] = field(default_factory=list)  # sections checked and kept
    drafts: dict[str, dict] = field(default_factory=dict)  # section -> what was typed
    shown_errors: list[int] = field(default_factory=list)  # drafts that failed a check
    reviewing: bool = False  # all sections done once: edits return to the review
    started: bool = False
    parts: dict[str, list] = field(default_factory=dict)  # key -> yes/no of each part

    def to_data(self) -> dict:
        return {
            "c": self.country,
            "a": self.answers,
            "d": self.done,
            "r": self.drafts,
            "e": self.shown_errors,
            "v": self.reviewing,
            "s": self.started,
            "p": self.parts,
        }

    @classmethod
    def from_data(cls, data: Any) -> State:
        if not isinstance(data, dict):
            return cls()
        return cls(
            country=data.get("c") if isinstance(data.get("c"), str) else None,
            answers=_mapping(data.get("a")),
            done=[n for n in data.get("d") or [] if isinstance(n, int)],
            drafts=_mapping(data.get("r")),
            shown_errors=[n for n in data.get("e") or [] if isinstance(n, int)],
            reviewing=data.get("v") is True,
            started=data.get("s") is True,
            parts=_parts(data.get("p")),
        )


class Keys:
    """Signing and checking, with one key, for the state cookie and the CSRF token."""

    def __init__(self, secret: str) -> None:
        self._state = URLSafeTimedSerializer(secret, salt="backplan-answers")
        self._csrf = URLSafeSerializer(secret, salt="backplan-csrf")

    def dump_state(self, state: State) -> str:
        return self._state.dumps(state.to_data())

    def load_state(self, cookie: Optional[str]) -> tuple[State, bool]:
        """The state in `cookie`, and whether a cookie was there but could not be used
        (too old, or not ours)."""
        if not cookie:
            return State(), False
        try:
            return State.from_data(self._state.loads(cookie, max_age=MAX_AGE)), False
        except BadSignature:  # also SignatureExpired
            return State(), True

    @staticmethod
    def new_csrf_cookie() -> str:
        return secrets.token_urlsafe(24)

    def csrf_field(self, cookie_token: str) -> str:
        return self._csrf.dumps(cookie_token)

    def csrf_ok(self, cookie_token: Optional[str], sent: Optional[str]) -> bool:
        if not cookie_token or not sent:
            return False
        try:
            signed = self._csrf.loads(sent)
        except BadSignature:
            return False
        return isinstance(signed, str) and hmac.compare_digest(signed, cookie_token)


def _parts(value: Any) -> dict[str, list]:
    """The answers to questions asked in parts: lists of true, false or null only."""
    return {
        key: list(answers)
        for key, answers in _mapping(value).items()
        if isinstance(answers, list) and all(a in (True, False, None) for a in answers)
    }


def _mapping(value: Any) -> dict[str, Any]:
    """A mapping from the cookie, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}
