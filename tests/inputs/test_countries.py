"""Every country can be named (pycountry), and the emergency numbers are a checked
table with its sources; a country without a checked number gets the neutral wording."""

from __future__ import annotations

import json

import pycountry
import pytest

from recommender.inputs.countries import (
    emergency_number,
    emergency_numbers,
    find_country,
    normalise,
)
from recommender.inputs.datafiles import bundled_dir

TABLE = json.loads((bundled_dir("data") / "emergency-numbers.json").read_text())


def test_the_table_cites_its_sources_and_holds_only_real_codes_and_digits() -> None:
    assert TABLE["sources"] and all(len(source) > 20 for source in TABLE["sources"])
    assert TABLE["checked"]
    for code, number in TABLE["numbers"].items():
        assert pycountry.countries.get(alpha_2=code) is not None, code
        assert number.isdigit() and 2 <= len(number) <= 5, (code, number)
    assert set(TABLE["notes"]) <= set(TABLE["numbers"])


def test_every_eu_country_answers_112() -> None:
    eu = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IT LV LT LU MT NL PL PT RO SK SI ES SE IE"
    assert {code: emergency_numbers()[code] for code in eu.split()} == dict.fromkeys(
        eu.split(), "112"
    )


@pytest.mark.parametrize(
    "typed,code,number",
    [
        ("CH", "CH", "144"),
        ("Switzerland", "CH", "144"),
        ("no", "NO", "113"),
        ("NOR", "NO", "113"),
        ("jp", "JP", "119"),
        ("South Africa", "ZA", "10177"),
        ("UK", "GB", "999"),
        ("united kingdom", "GB", "999"),
        ("US", "US", "911"),
        ("Australia", "AU", "000"),
        ("NZ", "NZ", "111"),
        ("korea, republic of", "KR", "119"),
        ("Chad", "TD", None),
    ],
)
def test_countries_by_code_or_name(typed: str, code: str, number: str | None) -> None:
    found = find_country(typed)
    assert found is not None and found.code == code and found.number == number
    assert emergency_number(code) == number


@pytest.mark.parametrize("typed", ["", "Narnia", "XX", "ZZZ", "x" * 500, "12"])
def test_what_is_not_a_country(typed: str) -> None:
    assert normalise(typed) is None


def test_every_iso_country_can_be_chosen() -> None:
    for country in pycountry.countries:
        assert normalise(country.alpha_2) == country.alpha_2
        assert normalise(country.name) == country.alpha_2
