"""Emergency numbers by country, so that warnings can name the right one.

Only countries whose general emergency number reaches an ambulance are listed; with
no country, warnings use the neutral wording (docs/clinical-safety.md, H-EMERGENCY-NUMBER).
"""

from __future__ import annotations

from typing import Optional

_EU_112 = ("AT BE BG HR CY CZ DK EE FI FR DE GR HU IT LV LT LU MT NL PL PT RO SK SI ES SE").split()

EMERGENCY_NUMBERS: dict[str, str] = {
    "US": "911",
    "CA": "911",
    "GB": "999",
    "AU": "000",
    "NZ": "111",
    "IE": "112",
    "IN": "112",
    **{code: "112" for code in _EU_112},
}

_ALIASES = {"UK": "GB"}


def normalise(code: str) -> Optional[str]:
    """The two-letter code we know `code` by, or None."""
    code = code.strip().upper()
    code = _ALIASES.get(code, code)
    return code if code in EMERGENCY_NUMBERS else None


def emergency_number(code: Optional[str]) -> Optional[str]:
    """The number to call in `code`'s country (None when no country was chosen)."""
    if code is None:
        return None
    known = normalise(code)
    if known is None:
        raise ValueError(f"unknown country code {code!r}")
    return EMERGENCY_NUMBERS[known]


def known_codes() -> str:
    return ", ".join(sorted({*EMERGENCY_NUMBERS, *_ALIASES}))
