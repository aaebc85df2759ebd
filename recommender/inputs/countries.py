"""Countries and their emergency numbers, so that warnings can name the right one.

Every country in ISO 3166-1 (through pycountry) can be chosen, by its two- or
three-letter code or its name. The number to call for an ambulance comes from
`data/emergency-numbers.json`, which lists only numbers checked against a published
list (its sources are in the file); a country without one gets the neutral wording,
as with no country at all (docs/clinical-safety.md, H-EMERGENCY-NUMBER). A wrong
number is worse than a general one.

pycountry is imported only when a reply is not already a code in the table, so the
`plan --country GB` path reads one small JSON file and nothing more.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import NamedTuple, Optional

from recommender.core.errors import DataFileError
from recommender.inputs.datafiles import bundled_dir

NUMBERS_FILE = "emergency-numbers.json"

#: Names people use that ISO does not ("UK" is reserved, not assigned, in ISO 3166).
_ALIASES = {"UK": "GB", "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB", "USA": "US"}


class Country(NamedTuple):
    code: str
    name: str
    number: Optional[str]  # None: not checked, so the neutral wording is used


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    path = bundled_dir("data") / NUMBERS_FILE
    try:
        numbers = json.loads(path.read_text(encoding="utf-8"))["numbers"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataFileError(f"{path}: cannot be read ({exc})") from None
    if not isinstance(numbers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.isdigit() for k, v in numbers.items()
    ):
        raise DataFileError(f"{path}: 'numbers' must map country codes to digits")
    return numbers


def emergency_numbers() -> dict[str, str]:
    """Every country with a checked number: code -> number."""
    return dict(_table())


def find_country(text: str) -> Optional[Country]:
    """The country `text` names (a code such as CH or CHE, or a name such as
    "Switzerland"), or None."""
    words = " ".join(text.split())
    if not words or len(words) > 80:
        return None
    upper = _ALIASES.get(words.upper(), words.upper())
    if len(upper) == 2 and upper.isalpha() and upper in _table():
        return Country(upper, _name(upper), _table()[upper])
    # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
    import pycountry

    found = pycountry.countries.get(alpha_2=upper) if len(upper) == 2 else None
    if found is None and len(upper) == 3:
        found = pycountry.countries.get(alpha_3=upper)
    if found is None:
        try:  # names, official names and common names, whatever the case
            found = pycountry.countries.lookup(words)
        except LookupError:
            return None
    code = str(found.alpha_2)
    return Country(code, _name(code), _table().get(code))


def _name(code: str) -> str:
    # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code


def _listed(text: str) -> Optional[str]:
    """`text` as a code of the table, without loading pycountry (the `plan` path)."""
    upper = text.strip().upper()
    upper = _ALIASES.get(upper, upper)
    return upper if len(upper) == 2 and upper in _table() else None


def normalise(text: str) -> Optional[str]:
    """The two-letter code of the country `text` names, or None."""
    listed = _listed(text)
    if listed is not None:
        return listed
    found = find_country(text)
    return found.code if found else None


def emergency_number(code: Optional[str]) -> Optional[str]:
    """The number to call in `code`'s country; None (the neutral wording) when no
    country was chosen or its number is not in the checked table."""
    if code is None:
        return None
    listed = _listed(code)
    if listed is not None:
        return _table()[listed]
    found = find_country(code)
    if found is None:
        raise ValueError(f"unknown country {code!r}")
    return found.number


def country_hint() -> str:
    """How to name a country, for a refusal."""
    return "a two-letter code such as US, GB, CH or JP, or the country's name in English"
